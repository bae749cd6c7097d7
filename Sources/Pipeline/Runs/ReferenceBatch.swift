public import Datasets
public import Evaluation
public import RuleLanguage
public import Store
internal import Foundation

/// What evaluates every policy over the whole population into a raw `BatchResult` (eligible,
/// ineligible, unknown, amounts, condition bitsets; populations sorted by id). Everything after
/// it — 互斥组, budgets, storing, exporting, explaining — is shared (`BatchRun`).
public protocol BatchEngine {
    /// Recorded in the run ledger.
    static var engineVersion: String { get }
    static func evaluate(
        policies: [CompiledPolicy], program: Program, store: ProfileStore, asOf: Day,
        progress: ((_ subject: String, _ evaluated: Int) -> Void)?, timing: PhaseTiming?
    ) throws -> EngineOutput
}

/// What an engine hands `BatchRun`: the raw result and, when the engine already holds them, the
/// 发放顺序 keys (nil: `BatchRun` reads them from the store), and the columns it loaded (for the
/// inputs hashes of manual review; nil: loaded again when needed).
public struct EngineOutput {
    public var result: BatchResult
    public var orderKeys: BatchDecisions.OrderKeys?
    public var columns: ColumnSet? = nil
}

/// The oracle: every given policy over every active entity of its subject, with the reference
/// evaluator one entity at a time, as a raw `BatchResult` (eligible, ineligible, unknown; no
/// 互斥组 or budget decided yet: `BatchDecisions` does that for any producer). Populations are
/// sorted ascending by id (身份证号; 户号 for 家庭, the member standing for the household as
/// `ScanUnit.householdHead` picks it; 统一社会信用代码). Plain and slow; the columnar engine
/// must give the same result.
public enum ReferenceBatch: BatchEngine {
    public static let engineVersion = "reference-1"

    /// The raw result (no 互斥组 or budget decided).
    public static func evaluate(
        policies: [CompiledPolicy], program: Program, store: ProfileStore, asOf: Day,
        progress: ((_ subject: String, _ evaluated: Int) -> Void)? = nil, timing: PhaseTiming? = nil
    ) throws -> EngineOutput {
        defer { timing?.lap("逐条评估") }
        let evaluator = ReferenceEvaluator(program: program)
        let bySubject = Dictionary(grouping: policies.indices) { policies[$0].subject ?? "居民" }
        var ids: [String: [String]] = [:]
        // Per policy, compact columns in scan order (not a PolicyEvaluation per entity: a million
        // of those would not fit).
        var columns = policies.map { PolicyColumns($0) }
        _ = try RuleTrial.forEachEntity(subjects: Set(bySubject.keys), store: store, progress: progress) { subject, facts in
            ids[subject, default: []].append(entityID(subject, facts, store.schemas))
            for index in bySubject[subject] ?? [] {
                columns[index].append(evaluator.evaluate(policies[index], for: facts, asOf: asOf, explaining: false))
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
        for (index, policy) in policies.enumerated() {
            let subject = policy.subject ?? "居民"
            batches.append(columns[index].batch(policy.id, subject: subject, order: permutation[subject] ?? []))
            columns[index] = PolicyColumns(policy)
        }
        return EngineOutput(result: BatchResult(asOf: asOf, populations: populations, policies: batches), orderKeys: nil)
    }

    /// The id results are exported under: 户号 for 家庭 (a resident without one stands alone,
    /// under its 身份证号), else the profile's key.
    static func entityID(_ subject: String, _ facts: EntityFacts, _ schemas: SchemaSet) -> String {
        if subject == "家庭", case .text(let household)? = facts.fields["household_id"] { return household }
        let kind = NameTable.subjectKind(subject) ?? .residents
        if case .text(let key)? = facts.fields[schemas[kind].key.name] { return key }
        return ""
    }

    static func fen(_ yuan: Decimal) -> Int64 {
        NSDecimalNumber(decimal: ReferenceEvaluator.roundedToFen(yuan) * 100).int64Value
    }
}

/// One policy's results in scan order, compactly: an outcome byte and an amount per entity and
/// a bit per condition value; reordered into population order at the end.
struct PolicyColumns {
    var outcomes: [BatchOutcome] = []
    var amounts: [Int64] = []
    /// Per condition: is-known and is-true, one bit per entity.
    var known: [GrowingBits]
    var truth: [GrowingBits]
    var amountUnknown = GrowingBits()
    /// As `PolicyBatch.conditions`: the validity window first when there is one.
    let names: [String]

    init(_ policy: CompiledPolicy) {
        names = (policy.validity == nil ? [] : [PolicyEvaluation.validityCondition]) + policy.conditions.map(\.name)
        known = Array(repeating: GrowingBits(), count: names.count)
        truth = Array(repeating: GrowingBits(), count: names.count)
    }

    mutating func append(_ evaluation: PolicyEvaluation) {
        let entity = outcomes.count
        var amountKnown = true
        for (position, condition) in evaluation.conditions.enumerated() {
            guard position < known.count else {
                if condition.name == PolicyEvaluation.amountCondition { amountKnown = false }
                continue
            }
            known[position].set(entity, condition.value != .unknown)
            truth[position].set(entity, condition.value == .yes)
        }
        amountUnknown.set(entity, !amountKnown)
        switch evaluation.outcome {
        case .eligible:
            outcomes.append(.eligible)
            amounts.append(evaluation.amountValue.map(ReferenceBatch.fen) ?? 0)
        case .ineligible:
            outcomes.append(.ineligible)
            amounts.append(0)
        case .unknown:
            outcomes.append(.unknown)
            amounts.append(0)
        }
    }

    /// In population order: entity `i` of the result is entity `order[i]` of the scan.
    func batch(_ id: String, subject: String, order: [Int]) -> PolicyBatch {
        let count = order.count
        func reordered(_ bits: GrowingBits, inverted: Bool = false) -> Bitset {
            var out = Bitset(count: count)
            for (position, scanned) in order.enumerated() where bits[scanned] != inverted { out[position] = true }
            return out
        }
        return PolicyBatch(
            policyID: id, subject: subject, outcomes: order.map { outcomes[$0] }, amountFen: order.map { amounts[$0] },
            conditions: names.indices.map { position in
                ConditionBits(name: names[position], known: reordered(known[position]), truth: reordered(truth[position]))
            },
            amountKnown: reordered(amountUnknown, inverted: true)
        )
    }
}

/// Bits appended entity by entity (64 per word).
struct GrowingBits {
    private var words: [UInt64] = []

    mutating func set(_ index: Int, _ value: Bool) {
        while words.count <= index >> 6 { words.append(0) }
        if value { words[index >> 6] |= 1 << UInt64(index & 63) }
    }

    subscript(index: Int) -> Bool {
        index >> 6 < words.count && words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }
}
