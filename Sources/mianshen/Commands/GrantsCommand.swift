import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Outputs
import Pipeline
import Store

/// `mianshen grants`: the grants ledger (直接兑现, and 依申请 once 已办结), its payment file for
/// the finance office and the paid/failed statuses coming back.
struct GrantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants",
        abstract: "发放台账：按（政策，对象，受益期）记账，导出财政发放文件，导入发放结果。",
        discussion: """
            mianshen run（只评估已发布的政策时）在保存运行后另起一个事务，把直接兑现政策的每个符合条件的对象记入台账，
            键为（政策，对象，受益期）；受益期按政策的周期（月、年、一次性）与评估日确定，与申请编号相同。
            同一受益期重跑不会重复记账；金额变化记一笔补发或追回，历史不改；本受益期已记账、此次不再符合的对象
            标记待复核（grants list --flagged，grants flags list）；之后再次符合时自动解除，核实后可用 grants flags close 关闭。
            早于本受益期已记账运行的运行不能再记账（会把金额按旧数据调回）。--include-drafts 的试算运行和 run --no-grants 不记账。
            """,
        subcommands: [List.self, Export.self, Confirm.self, Post.self, GrantsFlagsCommand.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出台账中的发放记录（每笔发放、补发、追回一行）。")

        @Option(name: .long, help: ArgumentHelp("受益期：2026-12（月）、2026（年）或 一次性。", valueName: "PERIOD"))
        var period: String?

        @Option(name: .long, help: ArgumentHelp("只列这项政策。", valueName: "ID"))
        var policy: String?

        @Flag(name: .long, help: "只列标记待复核的（本受益期已发放、后来的运行不再符合）。")
        var flagged = false

        @Option(name: .long, help: "输出格式：table、csv 或 json（JSON Lines）。")
        var format: OutputFormat = .table

        @OptionGroup var masking: MaskingOptions
        @OptionGroup var store: StoreOptions

        func validate() throws { _ = try GrantsCommand.periodCode(period) }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let rows = try profiles.grantEntries(GrantQuery(period: try GrantsCommand.periodCode(period), policyID: policy, flaggedOnly: flagged))
                try masking.recordIfUnmasked(profiles, command: "grants list", scope: AuditScope("发放记录 \(rows.count) 笔"))
                print(GrantsText.render(rows, format: format, masking: masking))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导出一个受益期的财政发放文件（“一卡通”式：收款人证件号、姓名、政策、受益期、金额、发放编号）。",
            discussion: "默认只导出尚未确认已发放的记录（含发放失败的），--all 导出全部。CSV 为 UTF-8 带 BOM；XML 由 libxml2 写出。银行账户由财政系统掌握，文件中没有。"
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, xml }

        @Option(name: .long, help: ArgumentHelp("受益期：2026-12（月）、2026（年）或 一次性。", valueName: "PERIOD"))
        var period: String

        @Option(name: .long, help: ArgumentHelp("只导出这项政策。", valueName: "ID"))
        var policy: String?

        @Option(name: .long, help: "文件格式：csv 或 xml。")
        var format: Format = .csv

        @Option(name: .long, help: ArgumentHelp("输出文件。", valueName: "FILE"))
        var out: String

        @Flag(name: .long, help: "连同已确认发放的记录一起导出。")
        var all = false

        @OptionGroup var store: StoreOptions
        @OptionGroup var audit: AuditOptions

        func validate() throws { _ = try GrantsCommand.periodCode(period) }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let code = try GrantsCommand.periodCode(period) ?? period
                let (lines, totalFen, withoutName) = try GrantPayments.lines(period: code, policyID: policy, includePaid: all, store: profiles)
                let total = Money.yuan(totalFen)
                let data: Data
                switch format {
                case .csv: data = PaymentFile.csv(lines)
                case .xml:
                    guard let xml = PaymentFile.xml(lines, period: lines.first?.periodLabel ?? period, total: total) else {
                        printError("错误：libxml2 写 XML 失败。")
                        throw ExitCode(74)
                    }
                    data = xml
                }
                try audit.record(
                    profiles, command: "grants export", scope: AuditScope("受益期 \(period) 发放文件 \(lines.count) 笔（合计 \(total) 元）→ \(out)")
                )
                try data.write(to: URL(fileURLWithPath: out))
                print("受益期 \(period)：导出 \(lines.count) 笔，合计 \(total) 元，写入 \(out)")
                if !withoutName.isEmpty { print(GrantsText.withoutName(withoutName)) }
            }
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导入财政部门回传的发放结果（CSV 或 JSON Lines：发放编号 grant_id、状态 status、时间 time、说明 note）。",
            discussion: "状态为 paid / 已发放 或 failed / 发放失败。文件中有不认识的发放编号或状态时整份不导入，逐行列出 文件:行号。同一结果重复导入不重复记录。"
        )

        @Argument(help: ArgumentHelp("回传文件。", valueName: "FILE"))
        var file: String

        @OptionGroup var store: StoreOptions
        @OptionGroup var audit: AuditOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let (recorded, read) = try GrantPayments.confirm(file: file, store: profiles)
                try audit.record(profiles, command: "grants confirm", scope: AuditScope("\(file)：发放结果 \(read) 条，新记录 \(recorded) 条"))
                print("\(file)：读取 \(read) 条发放结果，新记录 \(recorded) 条。")
            }
        }
    }

    struct Post: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "把一次已保存的运行记入台账（用于 run --no-grants 之后；重复记账不会产生重复记录）。"
        )

        @OptionGroup var runOptions: RunOptions
        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let loaded = try runOptions.load(profiles)
                guard !loaded.record.includeDrafts else {
                    printError("运行 \(loaded.record.id) 含草稿政策（试算），不记入发放台账。")
                    throw ExitCode(64)
                }
                print(GrantsText.posting(try GrantLedger.post(run: loaded, store: profiles), runID: loaded.record.id))
            }
        }
    }

    /// `--period` as the ledger's code; a sentence saying what to write when it cannot be read.
    static func periodCode(_ text: String?) throws -> String? {
        guard let text else { return nil }
        guard let code = GrantLedger.periodCode(text) else {
            throw ValidationError("--period 应为 2026-12（月）、2026（年）或 一次性，而不是“\(text)”。")
        }
        return code
    }
}

/// The ledger as people and machines read it.
enum GrantsText {
    static let headers = [
        "grant_id", "benefit_no", "policy_id", "period", "entity_id", "payee_id", "source", "kind", "amount", "payment", "flag", "run_id",
    ]

    static func render(_ rows: [GrantEntryRow], format: OutputFormat, masking: MaskingOptions) -> String {
        func cells(_ r: GrantEntryRow) -> [String] {
            let show = { (id: String) in masking.show(id, as: looksPersonal(id) ? .idNumber : nil) }
            let b = r.benefit
            return [
                r.entryID, b.number, b.policyID, b.periodLabel, show(b.entityID), show(b.payeeID), r.source, r.kind,
                Money.yuan(r.amountFen), r.payment ?? "", r.flag ?? "", r.runID.map(String.init) ?? "",
            ]
        }
        switch format {
        case .csv: return ([CSVText.line(headers)] + rows.map { CSVText.line(cells($0)) }).joined(separator: "\n")
        case .json:
            return rows.map { r in
                var object: [String: Any] = [:]
                for (key, value) in zip(headers, cells(r)) { object[key] = value }
                return JSONOutput.line(object)
            }.joined(separator: "\n")
        case .table:
            guard !rows.isEmpty else { return "台账中没有符合条件的发放记录。" }
            var table = TextTable(["发放编号", "政策", "受益期", "对象", "收款人", "来源", "类型", "金额（元）", "发放结果", "待复核"])
            for r in rows {
                let c = cells(r)
                let payment = r.payment.map { $0 == "paid" ? "已发放" : "发放失败" } ?? "未确认"
                table.add([c[0], c[2], c[3], c[4], c[5], r.source, r.kind, c[8], payment, r.flag.map { "是（\(outcomeText($0))）" } ?? ""])
            }
            let total = rows.reduce(Int64(0)) { $0 + $1.amountFen }
            return table.render() + "\n共 \(rows.count) 笔，净额 \(Money.yuan(total)) 元"
        }
    }

    /// 身份证号 (17 digits and their check character) are masked; 户号 and 统一社会信用代码 are not
    /// (a credit code whose last character happens to fit is masked too: the safe side).
    static func looksPersonal(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 18, bytes.prefix(17).allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        return ResidentIDNumber.checkCharacter(for: bytes.prefix(17)) == Character(Unicode.Scalar(bytes[17] == 120 ? 88 : bytes[17]))
    }

    static func outcomeText(_ code: String) -> String {
        BatchOutcome(code: code)?.label ?? (code == "absent" ? "已不在档案中" : code)
    }

    /// Entries left out of a payment file because the payee has no name in the profiles.
    static func withoutName(_ rows: [GrantEntryRow]) -> String {
        let shown = rows.prefix(5).map { "\($0.entryID)（收款人 \(Masking.maskID($0.benefit.payeeID))）" }.joined(separator: "、")
        let total = Money.yuan(rows.reduce(Int64(0)) { $0 + $1.amountFen })
        return "需核实：\(rows.count) 笔（合计 \(total) 元）的收款人在档案中没有姓名（已不在居民或企业表中），未写入发放文件："
            + "\(shown)\(rows.count > 5 ? " 等" : "")。核实收款人后重新导出。"
    }

    static func posting(_ s: PostingSummary, runID: Int64) -> String {
        var text = "发放台账（运行 \(runID)）：新记账 \(s.created) 笔，未变 \(s.unchanged) 笔，补发 \(s.topUps) 笔，追回 \(s.clawbacks) 笔，标记待复核 \(s.flagged) 个\(s.resolved > 0 ? "，再次符合、解除标记 \(s.resolved) 个" : "")。"
        if !s.withoutPayee.isEmpty {
            let shown = s.withoutPayee.prefix(5).map { entry in
                let parts = entry.split(separator: " ", maxSplits: 1).map(String.init)
                return parts.count == 2 ? parts[0] + " " + Masking.maskID(parts[1]) : entry
            }.joined(separator: "、")
            text += "\n未记账 \(s.withoutPayee.count) 笔：领取人（户主 / 监护人）在档案中缺失（缺 household_id 或户主），补齐后再运行或 grants post：\(shown)\(s.withoutPayee.count > 5 ? " 等" : "")"
        }
        return text
    }
}
