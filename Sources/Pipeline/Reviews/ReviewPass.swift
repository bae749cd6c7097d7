internal import Datasets
internal import Evaluation
internal import RuleLanguage
internal import Store

/// Manual review within a run. Before 互斥组 and budgets are decided, every unknown (entity,
/// policy) is hashed over the values the policy read for it (`ReviewInputs`): a decided item on
/// the same inputs gives the row its decided outcome (eligible with the decided amount, or
/// ineligible: the engine's outcome codes), so budgets and 互斥组 count it like any other; an
/// item on other inputs is bound to the new ones (a decided one reopens); an unknown without an
/// item opens one. The changes are written with the run, in its transaction.
public struct ReviewPass: Sendable {
    struct Pending: Sendable {
        var policy: Int
        var entity: Int
        var sha256: String
        var existing: Int64?
    }

    var pending: [Pending] = []
    /// Rows given a reviewer's decision in this run.
    public private(set) var applied = 0
    /// Whether the run opens and rebinds items (not for runs with drafts: trials open nothing).
    public let opensItems: Bool
    /// Filled in by `record`.
    public private(set) var opened = 0
    public private(set) var changed = 0
    public private(set) var reopened = 0

    /// Applies the decided items to `result` and works out the changes.
    static func prepare(
        _ result: inout BatchResult, policies: [CompiledPolicy], program: Program, columns: ColumnSet,
        items byPolicy: [String: [String: ReviewBinding]], opensItems: Bool
    ) -> ReviewPass {
        var pass = ReviewPass(opensItems: opensItems)
        let compiled = Dictionary(policies.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let raw = result
        // The hashes, a policy per task; then the decisions applied in order.
        let hashed = parallelMap(raw.policies.count) { index -> [(entity: Int, sha256: String)] in
            let batch = raw.policies[index]
            guard opensItems || byPolicy[batch.policyID] != nil, let policy = compiled[batch.policyID],
                  let population = columns.subjects[batch.subject], let ids = raw.populations[batch.subject]?.ids,
                  population.ids.count == ids.count, population.ids.first == ids.first, population.ids.last == ids.last else { return [] }
            let inputs = ReviewInputs(keys: ReviewInputs.keys(of: policy, in: program), population: population, columns: columns)
            return batch.outcomes.indices.filter { batch.outcomes[$0] == .unknown }.map { ($0, inputs.sha256($0)) }
        }
        for (index, rows) in hashed.enumerated() {
            let batch = raw.policies[index]
            let known = byPolicy[batch.policyID] ?? [:]
            let ids = raw.populations[batch.subject]?.ids ?? []
            for (entity, sha256) in rows {
                guard let item = known[ids[entity]] else {
                    if opensItems { pass.pending.append(Pending(policy: index, entity: entity, sha256: sha256, existing: nil)) }
                    continue
                }
                guard item.inputsSHA256 == sha256 else {
                    if opensItems { pass.pending.append(Pending(policy: index, entity: entity, sha256: sha256, existing: item.id)) }
                    continue
                }
                guard let outcome = item.decided else { continue }
                // An eligible decision without an amount for a policy that pays one (the policy
                // gained a 金额 since) stays unknown: never a 0 that would be posted as a grant.
                if outcome == .eligible, compiled[batch.policyID]?.amount != nil, item.amountFen == nil { continue }
                result.policies[index].outcomes[entity] = outcome == .eligible ? .eligible : .ineligible
                result.policies[index].amountFen[entity] = outcome == .eligible ? item.amountFen ?? 0 : 0
                pass.applied += 1
            }
        }
        return pass
    }

    /// The items `run` opens and rebinds (missing fields as its reasons name them); the store
    /// writes them with the run.
    func changes(for run: LoadedRun) -> [ReviewChange] {
        pending.map { p -> ReviewChange in
            let batch = run.result.policies[p.policy]
            let missing = run.reasons(policy: p.policy, entity: p.entity).missing
            let needsAmount = run.info[batch.policyID]?.amountFormula != nil
            let id = run.result.populations[batch.subject]?.ids[p.entity] ?? ""
            let kind: ReviewChange.Kind = p.existing.map { .inputsChanged(itemID: $0) }
                ?? .open(policyID: batch.policyID, subject: batch.subject, entityID: id)
            return ReviewChange(kind, inputsSHA256: p.sha256, missing: missing, needsAmount: needsAmount)
        }
    }

    /// What the store did with `changes`.
    mutating func recorded(_ counts: (opened: Int, changed: Int, reopened: Int)) {
        (opened, changed, reopened) = counts
    }
}
