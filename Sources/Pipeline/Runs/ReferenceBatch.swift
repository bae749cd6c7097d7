public import Datasets
public import Evaluation
public import RuleLanguage
public import Store
internal import Foundation

/// The oracle: every given policy over every active entity of its subject, with the reference
/// evaluator one entity at a time, as a raw `BatchResult` (eligible, ineligible, unknown; no
/// 互斥组 or budget decided yet: `BatchDecisions` does that for any producer). Populations are
/// sorted ascending by id (身份证号; 户号 for 家庭, the member standing for the household as
/// `ScanUnit.householdHead` picks it; 统一社会信用代码). Plain and slow; the columnar engine
/// must give the same result.
public enum ReferenceBatch {
    public static let engineVersion = "reference-1"

    /// The raw result and, for each policy with a 发放顺序, its order keys by entity.
    public static func evaluate(
        policies: [CompiledPolicy], program: Program, store: ProfileStore, asOf: Day,
        progress: ((_ subject: String, _ evaluated: Int) -> Void)? = nil
    ) throws -> (result: BatchResult, orderKeys: BatchDecisions.OrderKeys) {
        let evaluator = ReferenceEvaluator(program: program)
        let bySubject = Dictionary(grouping: policies.indices) { policies[$0].subject ?? "居民" }
        var ids: [String: [String]] = [:]
        // Per policy, per entity in scan order.
        var evaluations = [[PolicyEvaluation]](repeating: [], count: policies.count)
        var keys = [[Int64?]](repeating: [], count: policies.count)
        _ = try RuleTrial.forEachEntity(subjects: Set(bySubject.keys), store: store, progress: progress) { subject, facts in
            ids[subject, default: []].append(entityID(subject, facts, store.schemas))
            for index in bySubject[subject] ?? [] {
                let policy = policies[index]
                evaluations[index].append(evaluator.evaluate(policy, for: facts, asOf: asOf, explaining: false))
                if let order = policy.grantOrder { keys[index].append(BatchDecisions.orderKey(facts.fields[order.field])) }
            }
        }
        var populations: [String: BatchPopulation] = [:]
        var permutation: [String: [Int]] = [:]
        for (subject, list) in ids {
            let order = list.indices.sorted { list[$0] < list[$1] }
            permutation[subject] = order
            populations[subject] = BatchPopulation(subject: subject, ids: order.map { list[$0] })
        }
        var batches: [PolicyBatch] = []
        var orderKeys: BatchDecisions.OrderKeys = [:]
        for (index, policy) in policies.enumerated() {
            let subject = policy.subject ?? "居民"
            let order = permutation[subject] ?? []
            batches.append(batch(policy, subject: subject, order.map { evaluations[index][$0] }))
            if policy.grantOrder != nil { orderKeys[policy.id] = order.map { keys[index][$0] } }
        }
        return (BatchResult(asOf: asOf, populations: populations, policies: batches), orderKeys)
    }

    /// The id results are exported under: 户号 for 家庭 (a resident without one stands alone,
    /// under its 身份证号), else the profile's key.
    static func entityID(_ subject: String, _ facts: EntityFacts, _ schemas: SchemaSet) -> String {
        if subject == "家庭", case .text(let household)? = facts.fields["household_id"] { return household }
        let kind = NameTable.subjectKind(subject) ?? .residents
        if case .text(let key)? = facts.fields[schemas[kind].key.name] { return key }
        return ""
    }

    /// One policy's evaluations, in population order, as bitsets and arrays.
    static func batch(_ policy: CompiledPolicy, subject: String, _ evaluations: [PolicyEvaluation]) -> PolicyBatch {
        let count = evaluations.count
        let names = (policy.validity == nil ? [] : [PolicyEvaluation.validityCondition]) + policy.conditions.map(\.name)
        var conditions = names.map { ConditionBits(name: $0, known: Bitset(count: count), truth: Bitset(count: count)) }
        var amountKnown = Bitset(count: count, filled: true)
        var outcomes = [BatchOutcome](repeating: .ineligible, count: count)
        var amounts = [Int64](repeating: 0, count: count)
        for (entity, evaluation) in evaluations.enumerated() {
            for (position, condition) in evaluation.conditions.enumerated() {
                guard position < conditions.count else {
                    if condition.name == PolicyEvaluation.amountCondition { amountKnown[entity] = false }
                    continue
                }
                if condition.value != .unknown { conditions[position].known[entity] = true }
                if condition.value == .yes { conditions[position].truth[entity] = true }
            }
            switch evaluation.outcome {
            case .eligible:
                outcomes[entity] = .eligible
                amounts[entity] = evaluation.amountValue.map(fen) ?? 0
            case .ineligible: outcomes[entity] = .ineligible
            case .unknown: outcomes[entity] = .unknown
            }
        }
        return PolicyBatch(
            policyID: policy.id, subject: subject, outcomes: outcomes, amountFen: amounts, conditions: conditions,
            amountKnown: amountKnown
        )
    }

    static func fen(_ yuan: Decimal) -> Int64 {
        NSDecimalNumber(decimal: ReferenceEvaluator.roundedToFen(yuan) * 100).int64Value
    }
}
