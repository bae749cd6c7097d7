import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

extension RulesCommand {
    struct Try: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "试算：用数据库中的真实档案评估政策（含草稿），看谁符合、谁不符合及原因、谁待人工复核、金额与预算。",
            discussion: """
                发布前试算阈值的影响；给出 --entity 时逐条解释一个人、一家企业或一户的每项政策（帮办代办答复“为什么没有我”）。
                互斥组内只享受一项（就高或按优先级），其余计为“互斥未享”，金额不计入。政策按编号排序。
                用列式引擎计算全部对象（与夜间批处理相同，结果与参考求值器逐个对象核对一致）；--entity 也由列式引擎判定，括号中读到的数据由参考求值器列出，两者不一致时给出提示。
                """
        )

        @Argument(help: ArgumentHelp("只试算这些政策（默认全部）。", valueName: "ID"))
        var ids: [String] = []

        @Option(name: .customLong("as-of"), help: ArgumentHelp("评估日（默认今天）。", valueName: "YYYY-MM-DD"))
        var asOf: String?

        @Flag(name: .long, help: "只试算已发布的政策。")
        var published = false

        @Option(name: .long, help: ArgumentHelp("解释一个对象：身份证号、统一社会信用代码或户号（户号只解释以家庭为对象的政策）。", valueName: "KEY"))
        var entity: String?

        @Option(name: .long, help: ArgumentHelp("与另一版本的规则目录对比（如已发布版本的副本）：每项政策新增、不再符合的人数和金额变化。", valueName: "DIR"))
        var against: String?

        @Option(name: .long, help: "输出格式：table、csv 或 json。")
        var format: OutputFormat = .table

        @OptionGroup var store: StoreOptions
        @OptionGroup var masking: MaskingOptions

        func validate() throws {
            if let asOf, Day.parse(asOf) == nil {
                throw ValidationError("--as-of 应为 YYYY-MM-DD 格式的真实日期，例如 2026-06-30。")
            }
            if entity != nil, against != nil {
                throw ValidationError("--entity 与 --against 不能同时使用：先用 --against 对比，再用 --entity 解释某个对象。")
            }
            if entity != nil, format != .table {
                throw ValidationError("--entity 的逐条解释只输出文字，不支持 --format \(format.rawValue)。")
            }
        }

        /// The policies asked for: by id (all when none given), published only with --published.
        private func selected(_ entries: [CatalogEntry]) -> [CatalogEntry] {
            entries.filter { (ids.isEmpty || ids.contains($0.policy.id)) && (!published || $0.status == .published) }
        }

        func run() throws {
            try reportingErrors {
                let (profiles, catalogEntries, program) = try RulesCommand.open(store)
                let tried = "试算政策 \(ids.isEmpty ? "（全部）" : ids.joined(separator: "、"))"
                if let entity {
                    try masking.record(profiles, command: "rules try --entity", scope: AuditScope(tried + "，逐条解释", entity: entity.uppercased()))
                } else {
                    try masking.recordIfUnmasked(profiles, command: "rules try --unmask", scope: AuditScope(tried))
                }
                let known = Set(catalogEntries.map(\.policy.id))
                if let unknown = ids.first(where: { !known.contains($0) }) {
                    printError("没有编号为 \(unknown) 的政策；用 mianshen rules list 查看全部政策。")
                    throw ExitCode(64)
                }
                let entries = selected(catalogEntries)
                let day = asOf.flatMap { Day.parse($0) } ?? Show.today()
                if let against {
                    let baseline = try RuleCatalog.entries(rulesDirectory: against, schemas: profiles.schemas)
                    try RulesCommand.requireCompiled(baseline.compiled)
                    guard let baselineProgram = baseline.program else { throw ExitCode(1) }
                    let baselineEntries = selected(baseline.entries)
                    let (rows, scanned) = try RuleComparison.runColumnar(
                        current: .init(entries: entries, program: program),
                        baseline: .init(entries: baselineEntries, program: baselineProgram),
                        store: profiles, asOf: day
                    )
                    print(render(rows, scanned: scanned, against: against, day: day))
                } else if let key = entity {
                    try explain(key: key, entries: entries, program: program, profiles: profiles, day: day)
                } else {
                    // The columnar engine (checked against the reference by `engine verify`).
                    let report = try RuleTrial.runColumnar(entries: entries, program: program, store: profiles, asOf: day)
                    print(render(report))
                }
            }
        }

        private func render(_ report: RuleTrial.Report) -> String {
            let headers = [
                "id", "name", "subject", "status", "evaluated", "granted", "excluded", "ineligible", "manual_review", "near_misses",
                "amount_yuan", "excluded_amount_yuan", "period", "budget_yuan",
            ]
            let rows = report.tallies.map { t in
                let reminder = t.mode == "提醒"
                return [
                    t.id, t.title, t.subject, t.status.rawValue, String(t.evaluated), String(t.granted), String(t.excluded),
                    String(t.ineligible), String(t.manualReview), t.nearMisses.map(String.init) ?? "",
                    reminder ? "" : t.totalText, reminder ? "" : t.excludedTotalText, t.period ?? "", t.budget ?? "",
                ]
            }
            switch format {
            case .csv:
                return ([CSVOutput.line(headers)] + rows.map(CSVOutput.line)).joined(separator: "\n")
            case .json:
                return rows.map { JSONOutput.line(Self.record(headers, $0, counts: 4...9)) }.joined(separator: "\n")
            case .table:
                return table(report, rows)
            }
        }

        /// The trial as an officer reads it: one row per policy (by id), then why entities
        /// fail, who is left out by a 互斥组 and what they would have received, and budgets.
        private func table(_ report: RuleTrial.Report, _ rows: [[String]]) -> String {
            var table = TextTable([
                "编号", "名称", "对象", "状态", "评估", "符合（享受）", "互斥未享", "不符合", "待复核", "差一项", "享受金额（元/期）", "预算（元）",
            ])
            for (t, row) in zip(report.tallies, rows) {
                let amount = row[10].isEmpty ? "—" : "\(row[10])/\(t.period ?? "期")"
                table.add(Array(row[0...8]) + [row[9].isEmpty ? "—" : row[9], amount, t.budget ?? "—"])
            }
            let scanned = ["居民", "家庭", "企业"].compactMap { s in report.scanned[s].map { "\(s) \($0)" } }
            var lines = [
                "试算（评估日 \(report.asOf)；读取 \(scanned.isEmpty ? "0 个对象" : scanned.joined(separator: "、"))；政策按编号排序）",
                "", table.render(),
            ]
            for t in report.tallies where !t.failing.isEmpty || !t.undecided.isEmpty {
                var parts: [String] = []
                if !t.failing.isEmpty { parts.append("不满足：" + Self.top(t.failing)) }
                if !t.undecided.isEmpty { parts.append("数据缺失无法判断：" + Self.top(t.undecided)) }
                lines.append("\(t.id)　" + parts.joined(separator: "；"))
            }
            for t in report.tallies where t.excluded > 0 {
                let amount = t.mode == "提醒" ? "" : "，按本项应得 \(t.excludedTotalText) 元，不计入享受金额"
                lines.append("\(t.id)　互斥未享 \(t.excluded)：符合本项，但享受互斥组“\(t.group ?? "")”中的另一项\(amount)。")
            }
            for over in report.tallies {
                guard let (yearly, budget) = Self.overBudget(over) else { continue }
                let per = over.period == "月" ? "（每月 \(over.totalText) 元 × 12）" : ""
                lines.append("注意：\(over.id) 按年计的金额 \(yearly) 元\(per)超出年度预算 \(budget) 元。")
            }
            lines.append("")
            lines.append("评估 = 符合（享受）+ 互斥未享 + 不符合 + 待复核；享受金额只计“符合（享受）”的对象，即实际发放的金额。")
            if report.tallies.contains(where: { $0.nearMisses == nil }) {
                lines.append("差一项：前提全部满足、其余条件恰好一项不满足。“—”：该政策没有写前提，或前提之外只有一个条件（差一项即不符合），不统计。")
            }
            return lines.joined(separator: "\n")
        }

        private func render(_ rows: [RuleComparison.Row], scanned: [String: Int], against: String, day: Day) -> String {
            let headers = ["id", "name", "eligible_before", "eligible_now", "gained", "lost", "amount_before_yuan", "amount_now_yuan", "amount_change_yuan"]
            let cells = rows.map { r in
                let name = r.title + (r.inBaseline ? "" : "（新增政策）") + (r.inCurrent ? "" : "（已删除）")
                return [
                    r.id, name, String(r.eligibleBefore), String(r.eligibleNow), String(r.gained), String(r.lost),
                    r.totalBeforeText, r.totalNowText, r.changeText,
                ]
            }
            switch format {
            case .csv:
                return ([CSVOutput.line(headers)] + cells.map(CSVOutput.line)).joined(separator: "\n")
            case .json:
                return cells.map { JSONOutput.line(Self.record(headers, $0, counts: 2...5)) }.joined(separator: "\n")
            case .table:
                var table = TextTable(["编号", "名称", "对照享受", "现在享受", "新增", "不再享受", "对照金额（元/期）", "现在金额（元/期）", "变化"])
                cells.forEach { table.add($0) }
                let read = ["居民", "家庭", "企业"].compactMap { s in scanned[s].map { "\(s) \($0)" } }.joined(separator: "、")
                let changed = rows.filter { $0.gained > 0 || $0.lost > 0 || $0.changeText != "0.00" }.count
                return [
                    "对比试算（评估日 \(day)；对照：\(against)；读取 \(read.isEmpty ? "0 个对象" : read)；政策按编号排序）", "", table.render(),
                    changed == 0 ? "两个版本的结果相同。" : "\(changed) 项政策的结果有变化（互斥组在两个版本中各自裁决）。",
                ].joined(separator: "\n")
            }
        }

        /// One JSON Lines object from a CSV row: the cells at `counts` as JSON numbers, the others
        /// (names, codes, exact decimal amounts) as strings, and empty cells as null.
        static func record(_ headers: [String], _ row: [String], counts: ClosedRange<Int>) -> [String: Any] {
            var object: [String: Any] = [:]
            for (index, (key, cell)) in zip(headers, row).enumerated() {
                if cell.isEmpty {
                    object[key] = NSNull()
                } else if counts.contains(index), let count = Int(cell) {
                    object[key] = count
                } else {
                    object[key] = cell
                }
            }
            return object
        }

        /// Conditions by how many entities they stopped, most first (ties by label).
        static func top(_ counts: [String: Int]) -> String {
            counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(4).map { "\($0.key) \($0.value)" }.joined(separator: "、")
        }

        /// 预算 is per year: a monthly policy spends twelve times its monthly total. Returns the
        /// yearly amount and the budget when the one exceeds the other.
        static func overBudget(_ t: RuleTrial.Tally) -> (yearly: String, budget: String)? {
            guard let budgetText = t.budget, let budget = Decimal(string: budgetText), let total = Decimal(string: t.totalText) else { return nil }
            let yearly = t.period == "月" ? total * 12 : total
            guard yearly > budget else { return nil }
            return (ReferenceEvaluator.yuan(yearly), budgetText)
        }
    }
}
