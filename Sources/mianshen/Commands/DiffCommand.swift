import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen diff A B`: what changed between two runs, per policy, with the entities.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "对比两次运行：每项政策新增符合、不再符合、金额变化的对象。",
        discussion: "“符合”指实际享受（eligible）；互斥未享、超出预算、待人工复核都不算符合。对象按编号对应。"
    )

    @Argument(help: ArgumentHelp("对照的运行编号（较早的一次）。", valueName: "RUN_A"))
    var runA: Int64

    @Argument(help: ArgumentHelp("对比的运行编号（较新的一次）。", valueName: "RUN_B"))
    var runB: Int64

    @Option(name: .long, help: ArgumentHelp("只对比这项政策。", valueName: "ID"))
    var policy: String?

    @Option(name: .long, help: "输出格式：table、csv（policy_id,entity_id,change,amount_a,amount_b）或 json（JSON Lines）。")
    var format: OutputFormat = .table

    @OptionGroup var store: StoreOptions
    @OptionGroup var masking: MaskingOptions

    func run() throws {
        try reportingErrors {
            let profiles = try store.openExistingStore()
            let a = try RunOptions.load(profiles, id: runA)
            let b = try RunOptions.load(profiles, id: runB)
            let changes = RunDiff.compare(a, b, policy: policy)
            try masking.recordIfUnmasked(profiles, command: "diff --unmask", scope: AuditScope(
                "运行 \(runA) 与 \(runB) 的差异 \(changes.count) 个对象\(policy.map { "（政策 \($0)）" } ?? "")"
            ))
            if let policy, changes.allSatisfy({ !$0.inA && !$0.inB }) {
                printError("运行 \(runA) 和 \(runB) 都没有政策 \(policy)。")
                throw ExitCode(64)
            }
            var out = OutputBuffer()
            if format == .csv { out.line("policy_id,entity_id,change,amount_a,amount_b") }
            var lines = ["运行 \(runA)（评估日 \(a.record.asOf)）→ 运行 \(runB)（评估日 \(b.record.asOf)）"]
            for c in changes {
                var rows: [(id: String, change: String, before: String, after: String)] = []
                rows += c.gained.map { ($0.id, "newly_eligible", "", ResultsExport.yuan($0.fen)) }
                rows += c.lost.map { ($0.id, "no_longer_eligible", ResultsExport.yuan($0.fen), "") }
                rows += c.changed.map { ($0.id, "amount_changed", ResultsExport.yuan($0.before), ResultsExport.yuan($0.after)) }
                rows.sort { ($0.id, $0.change) < ($1.id, $1.change) }
                switch format {
                case .csv:
                    rows.forEach { out.line(CSVOutput.line([c.policyID, $0.id, $0.change, $0.before, $0.after])) }
                case .json:
                    rows.forEach { row in
                        out.line(JSONOutput.line([
                            "policy_id": c.policyID, "entity_id": row.id, "change": row.change,
                            "amount_a": row.before.isEmpty ? NSNull() : row.before, "amount_b": row.after.isEmpty ? NSNull() : row.after,
                        ]))
                    }
                case .table:
                    lines += tableLines(c)
                }
            }
            if format == .table {
                if changes.allSatisfy(\.isEmpty) { lines.append("两次运行的结果相同。") }
                print(lines.joined(separator: "\n"))
            }
            out.flush()
        }
    }

    private func tableLines(_ c: RunDiff.PolicyChange) -> [String] {
        let scope = !c.inA ? "（运行 \(runA) 未评估此政策）" : !c.inB ? "（运行 \(runB) 未评估此政策）" : ""
        var lines = ["", "\(c.policyID) \(c.title)\(scope)：新增符合 \(c.gained.count)，不再符合 \(c.lost.count)，金额变化 \(c.changed.count)"]
        let show = { (id: String) in masking.show(id, as: c.subject == "居民" ? .idNumber : nil) }
        for g in c.gained { lines.append("  + \(show(g.id))　\(ResultsExport.yuan(g.fen)) 元") }
        for l in c.lost { lines.append("  - \(show(l.id))　原 \(ResultsExport.yuan(l.fen)) 元，现\(l.now?.label ?? "未评估")") }
        for m in c.changed { lines.append("  ~ \(show(m.id))　\(ResultsExport.yuan(m.before)) 元 → \(ResultsExport.yuan(m.after)) 元") }
        return lines
    }
}
