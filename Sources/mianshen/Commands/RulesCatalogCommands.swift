import ArgumentParser
import Datasets
import Diagnostics
import Foundation
import Pipeline
import RuleLanguage
import Store

extension RulesCommand {
    /// Prints the diagnostics and fails when the rules do not compile.
    static func requireCompiled(_ result: RuleCheck.Result) throws {
        guard result.errorCount > 0 else { return }
        print(DiagnosticRenderer(sources: result.sources).render(result.diagnostics))
        print("规则有 \(result.errorCount) 个错误，请先用 mianshen rules check 修正。")
        throw ExitCode(1)
    }

    /// The existing store and the compiled rules (exit 1 after showing rule errors).
    static func open(_ store: StoreOptions) throws -> (profiles: ProfileStore, entries: [CatalogEntry], program: Program) {
        let profiles = try store.openExistingStore()
        let catalog = try RuleCatalog.entries(rulesDirectory: store.rulesDirectory, schemas: profiles.schemas)
        try requireCompiled(catalog.compiled)
        guard let program = catalog.program else { throw ExitCode(1) }
        return (profiles, catalog.entries, program)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出全部政策（按编号排序）：编号、名称、领域、方式、审核状态、有效期。")

        @Option(name: .long, help: "输出格式：table、csv 或 json。")
        var format: OutputFormat = .table

        @OptionGroup var location: RulesLocation

        func run() throws {
            try reportingErrors {
                let catalog = try RuleCatalog.entries(rulesDirectory: location.directory, schemas: try location.schemas())
                try RulesCommand.requireCompiled(catalog.compiled)
                let rows = catalog.entries.map { e -> [String] in
                    let p = e.policy
                    return [
                        p.id, p.title, p.domain ?? "", p.mode ?? "", e.status.rawValue,
                        p.validity.map { "\($0.from) 至 \($0.to)" } ?? "长期", e.departments.joined(separator: "、"),
                    ]
                }
                switch format {
                case .csv:
                    print(CSVOutput.line(["id", "name", "domain", "mode", "status", "validity", "approved_by"]))
                    rows.forEach { print(CSVOutput.line($0)) }
                case .json:
                    for row in rows {
                        print(JSONOutput.line([
                            "id": row[0], "name": row[1], "domain": row[2], "mode": row[3], "status": row[4],
                            "validity": row[5], "approved_by": row[6],
                        ]))
                    }
                case .table:
                    var table = TextTable(["编号", "名称", "领域", "方式", "状态", "有效期", "已审核部门"])
                    rows.forEach { table.add($0) }
                    print(table.render())
                    print("共 \(rows.count) 项政策（按编号排序）。")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "以中文展示一项政策：各条件、依据、当日参数值和金额公式。")

        @Argument(help: ArgumentHelp("政策编号，如 YL-GLJT。", valueName: "ID"))
        var id: String

        @Option(name: .customLong("as-of"), help: ArgumentHelp("按此日期取参数值（默认今天）。", valueName: "YYYY-MM-DD"))
        var asOf: String?

        @OptionGroup var location: RulesLocation

        func validate() throws {
            if let asOf, Day.parse(asOf) == nil {
                throw ValidationError("--as-of 应为 YYYY-MM-DD 格式的真实日期，例如 2026-01-01。")
            }
        }

        func run() throws {
            try reportingErrors {
                let schemas = try location.schemas()
                let catalog = try RuleCatalog.entries(rulesDirectory: location.directory, schemas: schemas)
                try RulesCommand.requireCompiled(catalog.compiled)
                guard let program = catalog.program, let entry = catalog.entries.first(where: { $0.policy.id == id }) else {
                    printError("没有编号为 \(id) 的政策；用 mianshen rules list 查看全部政策。")
                    throw ExitCode(1)
                }
                let day = asOf.flatMap { Day.parse($0) } ?? Self.today()
                let renderer = ProgramRenderer(program: program, schemas: schemas, showsNames: true)
                func expanded(_ c: CompiledCondition) -> Bool { program.names[c.node].map { $0 == c.name } ?? true }
                let p = entry.policy
                var out = ["\(p.id) \(p.title)（\(entry.status.rawValue)\(entry.departments.isEmpty ? "" : "：" + entry.departments.joined(separator: "、"))）"]
                out.append("领域 \(p.domain ?? "—")　部门 \(p.department ?? "—")　对象 \(p.subject ?? "—")　领取人 \(p.payee ?? "本人")")
                out.append("方式 \(p.mode ?? "—")　周期 \(p.period ?? "—")　有效期 \(p.validity.map { "\($0.from) 至 \($0.to)" } ?? "长期")")
                if let budget = p.budget {
                    let order = p.grantOrder.map { "发放顺序 \($0.text)，同值按编号升序" } ?? "发放顺序按对象编号升序"
                    out.append("预算 \(budget) 元（每年；\(order)）")
                }
                if let ex = p.exclusive { out.append("互斥组 \(ex.group)，优先级 \(ex.priority)\(ex.higherWins ? "，就高" : "")") }
                out.append("依据 \(p.basis ?? "（未写）")")
                out.append("")
                out.append("条件（全部满足才符合；有一项因数据缺失无法判断时转人工复核\(p.hasPremises ? "；标（前提）的是适用范围" : "")）：")
                for (n, c) in p.conditions.enumerated() {
                    // A shared condition used as a line shows its formula; a line that is just a
                    // fact (条件 是小微企业：小微企业) shows the fact's name, defined below.
                    let lines = expanded(c) ? renderer.alternatives(c.node) : [renderer.render(c.node)]
                    let mark = c.premise ? "（前提）" : ""
                    out.append("  \(n + 1). \(c.label)\(mark)：\(lines[0])\(c.basis.map { "　依据 \($0)" } ?? "")")
                    out += lines.dropFirst().map { "       " + $0 }
                }
                if let amount = p.amount {
                    out.append("")
                    out.append("金额（元，四舍五入到分）：\(renderer.render(amount))")
                }
                let definitions = renderer.namedDefinitions(
                    expanded: p.conditions.filter(expanded).map(\.node),
                    other: p.conditions.filter { !expanded($0) }.map(\.node) + renderer.amountRoots(p.amount)
                )
                // Grouped by the file each is written in: a shared one's own file, else this policy's.
                var files: [String] = []
                var byFile: [String: [(name: String, node: NodeID)]] = [:]
                for definition in definitions {
                    let file = program.definitionFiles[definition.name] ?? p.file ?? ""
                    if byFile[file] == nil { files.append(file) }
                    byFile[file, default: []].append(definition)
                }
                for file in files {
                    out.append("")
                    out.append("其中（定义在 \(file)）：")
                    for (name, node) in byFile[file] ?? [] {
                        let lines = renderer.alternatives(node)
                        out.append("  \(name)：\(lines[0])")
                        out += lines.dropFirst().map { "      " + $0 }
                    }
                }
                for parameter in renderer.parameters(usedBy: p).compactMap({ program.parameters[$0] }) {
                    let current = parameter.values.last { $0.from <= day }
                    out.append("参数 \(parameter.name) 于 \(day) 为 \(current.map { "\($0.value) \(parameter.unit ?? "")" } ?? "（无值）")")
                }
                print(out.joined(separator: "\n"))
            }
        }

        static func today() -> Day {
            let seconds = Int64(Date().timeIntervalSince1970)
            return Day(daysSinceEpoch: Int32(seconds / 86_400))
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "记录一个部门对政策当前内容的审核（写入 Rules/approvals.yaml，随规则一起提交）。",
            discussion: "审核绑定政策内容的 SHA-256；两个不同部门审核同一内容后，政策为“已发布”。修改政策后旧的审核失效。"
        )

        @Argument(help: ArgumentHelp("政策编号。", valueName: "ID"))
        var id: String

        @Option(name: .long, help: "审核部门，如 区财政局。")
        var department: String

        @Option(name: .long, help: "审核人。")
        var reviewer: String

        @OptionGroup var location: RulesLocation

        func run() throws {
            try reportingErrors {
                let (approval, entry) = try RuleCatalog.approve(
                    policy: id, department: department, reviewer: reviewer, rulesDirectory: location.directory,
                    schemas: try location.schemas()
                )
                print("已记录：\(approval.department) \(Masking.maskName(approval.reviewer)) 审核 \(approval.policy)（内容 \(approval.sha256.prefix(12))…）。")
                print("当前状态：\(entry.status.rawValue)（已审核部门：\(entry.departments.joined(separator: "、"))）")
            }
        }
    }
}
