import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen explain KEY [POLICY]`: what a stored run decided for one person, enterprise or
/// household, condition by condition, from the run's bitsets and the values in the profile.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "解释一次运行对某个对象的结果：每项政策的结论、每个条件是否满足（✓ ✗ ?）、读到的数据、依据。",
        discussion: """
            条件的取值来自该次运行保存的结果；读到的数据是档案中现在的值（运行之后有新的导入时会提示）。
            待人工复核的列出缺少的数据，互斥未享的说明哪项政策优先，超出预算的说明预算已按发放顺序用完。
            """
    )

    @Argument(help: ArgumentHelp("身份证号、统一社会信用代码或户号（户号解释以家庭为对象的政策）。", valueName: "KEY"))
    var key: String

    @Argument(help: ArgumentHelp("只解释这项政策（默认该对象适用的全部政策）。", valueName: "POLICY"))
    var policy: String?

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var masking: MaskingOptions

    func run() throws {
        try reportingErrors {
            let profiles = try store.openExistingStore()
            let loaded = try runOptions.load(profiles)
            let wanted = key.uppercased()
            guard let (subject, index) = Self.locate(wanted, in: loaded.result) else {
                let shown = masking.show(wanted, as: RulesCommand.Try.personalData(wanted))
                printError("运行 \(loaded.record.id) 没有评估 \(shown)：数据库中没有该档案，或它在运行时已停用，或没有适用于它的政策。")
                throw ExitCode(1)
            }
            let batches = loaded.result.policies.filter { $0.subject == subject }
            if let policy, !batches.contains(where: { $0.policyID == policy }) {
                printError("运行 \(loaded.record.id) 中没有适用于该对象的政策 \(policy)；适用的有：\(batches.map(\.policyID).sorted().joined(separator: "、"))。")
                throw ExitCode(64)
            }
            let explained = policy.map { "政策 \($0)" } ?? "\(batches.count) 项政策"
            try masking.record(
                profiles, command: "explain", scope: AuditScope("运行 \(loaded.record.id) 的解释，\(explained)", entity: wanted)
            )
            let now = try currentEvaluation(profiles, loaded, ids: Set(batches.map(\.policyID)))
            let kind = NameTable.subjectKind(subject) ?? .residents
            print("运行 \(loaded.record.id)（评估日 \(loaded.record.asOf)，引擎 \(loaded.record.engine)）")
            if let found = now.explanation {
                for line in RulesCommand.Try.header(found, key: wanted, day: loaded.result.asOf, schemas: profiles.schemas, masking: masking) {
                    print(line)
                }
            } else {
                print("\(masking.show(wanted, as: subject == "居民" ? .idNumber : nil))（数据库中已没有该档案，只能给出各条件的结论）")
            }
            if subject == "居民", now.explanation?.standsForHousehold == true, loaded.result.populations["家庭"] != nil,
               case .text(let household)? = now.explanation?.entity.fields["household_id"] {
                print("以家庭为对象的政策按户解释：mianshen explain \(household)")
            }
            if try loaded.importedSince(profiles) { print("注意：该运行之后又有导入，括号中的数据是档案现在的值，可能与运行时不同。") }
            let reviews = Dictionary(try profiles.reviewItems(entity: wanted).map { ($0.policyID, $0) }, uniquingKeysWith: { a, _ in a })
            for batch in batches.sorted(by: { $0.policyID < $1.policyID }) where policy == nil || batch.policyID == policy {
                let lines = PolicyExplanation(
                    run: loaded, batch: batch, entity: index, current: now.results[batch.policyID], kind: kind,
                    schemas: profiles.schemas, masking: masking, review: reviews[batch.policyID]
                ).lines()
                print("")
                lines.forEach { print($0) }
            }
        }
    }

    /// The subject and position of an id in a run's populations.
    static func locate(_ id: String, in result: BatchResult) -> (String, Int)? {
        for subject in ["居民", "家庭", "企业"] {
            guard let ids = result.populations[subject]?.ids else { continue }
            var low = 0, high = ids.count
            while low < high {
                let mid = (low + high) / 2
                if ids[mid] < id { low = mid + 1 } else { high = mid }
            }
            if low < ids.count, ids[low] == id { return (subject, low) }
        }
        return nil
    }

    /// The entity as the current rules read it now: for the values each condition read.
    private func currentEvaluation(
        _ profiles: ProfileStore, _ loaded: LoadedRun, ids: Set<String>
    ) throws -> (explanation: RuleTrial.Explanation?, results: [String: PolicyEvaluation]) {
        guard let catalog = try? RuleCatalog.entries(rulesDirectory: store.rulesDirectory, schemas: profiles.schemas),
              let program = catalog.program else { return (nil, [:]) }
        let entries = catalog.entries.filter { ids.contains($0.policy.id) }
        guard let found = try RuleTrial.explain(key: key, entries: entries, program: program, store: profiles, asOf: loaded.result.asOf)
        else { return (nil, [:]) }
        return (found, Dictionary(found.results.map { ($0.result.policy, $0.result) }, uniquingKeysWith: { a, _ in a }))
    }
}
