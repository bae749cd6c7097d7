import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen near-misses POLICY`: who passes every 前提 of a policy and fails exactly one other
/// condition (快申快享 outreach), from a stored run's bitsets.
struct NearMissesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "near-misses",
        abstract: "差一项：列出前提全部满足、其余条件恰好一项不满足的对象及那一项条件（快申快享，主动告知）。",
        discussion: "只对写了前提、且前提之外至少有两个条件的政策有意义；其他政策照样列出，并给出提示。"
    )

    @Argument(help: ArgumentHelp("政策编号。", valueName: "POLICY"))
    var policy: String

    @Option(name: .long, help: ArgumentHelp("只列出差在这一项的对象（条件名称或中文标签）。", valueName: "NAME"))
    var condition: String?

    @OptionGroup var runOptions: RunOptions

    @Option(name: .long, help: "输出格式：table、csv 或 json（JSON Lines）。")
    var format: OutputFormat = .table

    @OptionGroup var store: StoreOptions
    @OptionGroup var masking: MaskingOptions

    func run() throws {
        try reportingErrors {
            let profiles = try store.openExistingStore()
            let loaded = try runOptions.load(profiles)
            try loaded.requirePolicies([policy])
            try masking.recordIfUnmasked(profiles, command: "near-misses --unmask", scope: AuditScope("运行 \(loaded.record.id) 政策 \(policy) 的差一项对象"))
            guard let batch = loaded.result.policies.first(where: { $0.policyID == policy }), let info = loaded.info[policy] else {
                printError("运行 \(loaded.record.id) 的记录中缺少政策 \(policy) 的条件说明，无法列出差一项。")
                throw ExitCode(1)
            }
            var only: Int?
            if let condition {
                guard let position = info.conditions.firstIndex(where: { ($0.name == condition || $0.label == condition) && !$0.premise }) else {
                    let names = info.conditions.filter { !$0.premise }.map(\.name).joined(separator: "、")
                    printError("政策 \(policy) 没有（前提之外的）条件“\(condition)”；可选：\(names)。")
                    throw ExitCode(64)
                }
                only = position
            }
            let ids = loaded.result.populations[batch.subject]?.ids ?? []
            let misses = NearMisses.find(batch, premises: info.conditions.map(\.premise)).filter { only == nil || $0.condition == only }
            var out = OutputBuffer()
            var table = TextTable(["对象", "差的一项", "条件名称"])
            if format == .csv { out.line("entity_id,policy_id,condition,label") }
            for miss in misses {
                let c = info.conditions[miss.condition]
                switch format {
                case .csv: out.line(CSVOutput.line([ids[miss.entity], policy, c.name, c.label]))
                case .json:
                    out.line(JSONOutput.line(["entity_id": ids[miss.entity], "policy_id": policy, "condition": c.name, "label": c.label]))
                case .table:
                    table.add([masking.show(ids[miss.entity], as: batch.subject == "居民" ? .idNumber : nil), c.label, c.name])
                }
            }
            if format == .table {
                print("运行 \(loaded.record.id)（评估日 \(loaded.record.asOf)）\(policy) \(info.title)：差一项 \(misses.count) 个对象")
                if !info.reportsNearMisses {
                    print("提示：该政策没有写前提，或前提之外只有一个条件，“差一项”即全部不符合的对象或含户籍等范围条件。")
                }
                print(table.render())
            }
            out.flush()
        }
    }
}
