internal import Datasets
internal import Evaluation
internal import Foundation
internal import RuleLanguage

/// `rules try --entity`: one entity decided by the columnar engine — the same engine and the same
/// 互斥组 decision (`BatchDecisions`) as `mianshen run` and the trial over everyone — with the
/// values each condition read and the reasons an unknown could not be decided taken from the
/// reference evaluator's explaining pass, as `explain` combines a run's bits with current inputs.
extension RuleTrial {
    /// Evaluates policies over columns (raw outcomes, before 互斥组): the columnar engine.
    typealias EntityEngine = (_ policies: [CompiledPolicy], _ columns: ColumnSet) -> BatchResult

    /// One policy for one entity: the engine's decision, explained.
    struct EntityDecision {
        var index: Int
        var result: PolicyEvaluation
        var granted: Bool
        /// Where the reference evaluator decided otherwise (engine wins; shown as a warning).
        var disagreement: String?
    }

    /// The policies at `indices` (all applicable to the entity) decided by the engine on a
    /// population of one, per subject, in the order of `indices`.
    static func decideWithEngine(
        _ engine: EntityEngine, program: Program, policies: [CompiledPolicy], indices: [Int], facts: EntityFacts, id: String,
        schemas: SchemaSet, asOf: Day
    ) -> [EntityDecision] {
        let reference = ReferenceEvaluator(program: program)
        let referenceDecided = decide(reference, policies, indices, facts, asOf, explaining: true)
        let bySubject = Dictionary(grouping: indices) { policies[$0].subject ?? "居民" }
        var batches: [Int: (raw: PolicyBatch, decided: PolicyBatch)] = [:]
        for (subject, chosen) in bySubject {
            let columns = ColumnSet(subject: subject, ids: [id], facts: [facts], schemas: schemas)
            let subjectPolicies = chosen.map { policies[$0] }
            let raw = engine(subjectPolicies, columns)
            var decided = raw
            BatchDecisions.applyExclusiveGroups(&decided, policies: subjectPolicies)
            for (index, (before, after)) in zip(chosen, zip(raw.policies, decided.policies)) { batches[index] = (before, after) }
        }
        return referenceDecided.compactMap { index, explained, referenceGranted in
            guard let (raw, decided) = batches[index] else { return nil }
            let result = evaluation(raw, policies[index], explained: explained)
            let granted = decided.outcomes[0] == .eligible
            var disagreement = raw.difference(from: explained, at: 0).map { _ in differences(result, explained) }
            if disagreement == nil, granted != referenceGranted {
                disagreement = "互斥组：参考\(referenceGranted ? "享受" : "不享受")，引擎\(granted ? "享受" : "不享受")"
            }
            return EntityDecision(index: index, result: result, granted: granted, disagreement: disagreement)
        }
    }

    /// What differs between the engine's decision and the reference's, without the values read
    /// (they may be personal data; the explanation shows them masked).
    static func differences(_ engine: PolicyEvaluation, _ reference: PolicyEvaluation) -> String {
        var out: [String] = []
        if engine.outcome != reference.outcome {
            out.append("结果：参考 \(reference.outcome.rawValue)，引擎 \(engine.outcome.rawValue)")
        }
        if engine.amount != reference.amount {
            out.append("金额：参考 \(reference.amount ?? "无")，引擎 \(engine.amount ?? "无")")
        }
        let values = Dictionary(reference.conditions.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        for condition in engine.conditions where values[condition.name] != condition.value {
            let before = values[condition.name].map(\.rawValue) ?? "无此条件"
            out.append("条件“\(condition.label)”：参考 \(before)，引擎 \(condition.value.rawValue)")
        }
        for condition in reference.conditions where !engine.conditions.contains(where: { $0.name == condition.name }) {
            out.append("条件“\(condition.label)”：参考 \(condition.value.rawValue)，引擎无此条件")
        }
        return out.isEmpty ? "金额是否可算不同" : out.joined(separator: "；")
    }

    /// The engine's raw decision for the population's only entity as a `PolicyEvaluation`: its
    /// outcome, amount and every condition's value, with the inputs and unlisted keys the
    /// reference's explaining pass found for the condition of the same name.
    static func evaluation(_ batch: PolicyBatch, _ policy: CompiledPolicy, explained: PolicyEvaluation) -> PolicyEvaluation {
        let read = Dictionary(explained.conditions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var conditions = batch.conditions.map { bits in
            let seen = read[bits.name]
            return PolicyEvaluation.ConditionResult.decided(
                name: bits.name, label: seen?.label ?? bits.name, basis: seen?.basis, value: bits.value(at: 0),
                inputs: seen?.inputs ?? [], premise: seen?.premise ?? false, unlisted: seen?.unlisted ?? []
            )
        }
        let outcome: PolicyEvaluation.Outcome = switch batch.outcomes[0] {
        case .eligible, .excluded, .overBudget: .eligible
        case .ineligible: .ineligible
        case .unknown: .unknown
        }
        if outcome == .unknown, !batch.amountKnown[0] {
            let seen = read[PolicyEvaluation.amountCondition]
            conditions.append(.decided(
                name: PolicyEvaluation.amountCondition, label: seen?.label ?? "计算金额所需的数据齐全", basis: nil, value: .unknown,
                inputs: seen?.inputs ?? [], premise: false, unlisted: seen?.unlisted ?? []
            ))
        }
        var result = explained
        result.outcome = outcome
        result.amountValue = outcome == .eligible && policy.amount != nil ? Decimal(batch.amountFen[0]) / 100 : nil
        result.conditions = conditions
        return result
    }
}
