public import Foundation
public import RuleLanguage

/// 互斥组：an entity eligible for several policies of one group receives only one. With 就高
/// anywhere in the group the larger amount wins (ties: the smaller 优先级 number, then the
/// policy id); otherwise the smaller 优先级 number wins. The checker (E212) guarantees that a
/// group without 就高 has no two policies of equal priority.
public enum ExclusiveGroups {
    /// The indices into `results` that are granted: every eligible result outside a group, and
    /// one winner per group. `policies[i]` is the policy of `results[i]`.
    public static func winners(policies: [CompiledPolicy], results: [PolicyEvaluation]) -> Set<Int> {
        var granted: Set<Int> = []
        var best: [String: Int] = [:]
        for (index, result) in results.enumerated() where result.outcome == .eligible {
            guard let group = policies[index].exclusive?.group else {
                granted.insert(index)
                continue
            }
            guard let current = best[group] else {
                best[group] = index
                continue
            }
            let byAmount = policies.contains { $0.exclusive?.group == group && $0.exclusive?.higherWins == true }
            if beats(index, current, byAmount: byAmount, policies, results) { best[group] = index }
        }
        granted.formUnion(best.values)
        return granted
    }

    private static func beats(_ a: Int, _ b: Int, byAmount: Bool, _ policies: [CompiledPolicy], _ results: [PolicyEvaluation]) -> Bool {
        ranksAbove(
            amounts: byAmount ? (results[a].amountValue ?? 0, results[b].amountValue ?? 0) : nil,
            priorities: (priority(policies[a]), priority(policies[b])), ids: (policies[a].id, policies[b].id)
        )
    }

    /// The group's ranking, the one rule for every evaluator (the batch's `BatchDecisions` too):
    /// with 就高 the larger amount, then the smaller 优先级, then the smaller policy id.
    public static func ranksAbove<Amount: Comparable>(
        amounts: (Amount, Amount)?, priorities: (Decimal, Decimal), ids: (String, String)
    ) -> Bool {
        if let (x, y) = amounts, x != y { return x > y }
        if priorities.0 != priorities.1 { return priorities.0 < priorities.1 }
        return ids.0 < ids.1
    }

    /// A policy's 优先级 in its group (0 when it has none).
    public static func priority(_ policy: CompiledPolicy) -> Decimal {
        policy.exclusive.flatMap { Decimal(string: $0.priority) } ?? 0
    }
}
