internal import Foundation
public import RuleLanguage

/// The decisions taken over a whole raw `BatchResult` after every policy has been evaluated, the
/// same whatever computed it (the columnar engine or the reference evaluator entity by entity):
/// first 互斥组 (an entity eligible for several policies of a group keeps one, exactly as
/// `ExclusiveGroups` decides it; the others become `excluded`), then 预算 (eligible entities are
/// granted in the policy's 发放顺序 until the yearly budget is spent; the rest become
/// `over_budget`). Amounts stay what the policy would grant, for every decided outcome.
public enum BatchDecisions {
    /// One sort key per entity of a policy's population for its `发放顺序`, by policy id; nil
    /// where the value is missing (granted last). See `orderKey(_:)`.
    public typealias OrderKeys = [String: [Int64?]]

    /// What the grants ledger already holds for a policy in the run's benefit period: the net
    /// amount granted in it (to anyone, in 分), and per entity of the population the amount it
    /// holds (nil: no grant). Holders keep their grant (a change is an adjustment, a loss goes
    /// to review); the budget left for the others is the budget less what was granted.
    public struct Granted: Sendable {
        public var totalFen: Int64
        public var held: [Int64?]

        public init(totalFen: Int64, held: [Int64?]) {
            self.totalFen = totalFen
            self.held = held
        }
    }

    /// Applies 互斥组 then budgets. `policies` are the compiled policies of `result.policies`
    /// (found by id). A policy with a 发放顺序 and a budget needs its keys in `orderKeys`;
    /// without them it grants by entity id.
    /// The ledger arrays and order keys must be aligned to their policy's population (internal
    /// invariants, see `misalignment`): a misaligned one stops the run rather than being ignored.
    public static func apply(
        _ result: inout BatchResult, policies: [CompiledPolicy], orderKeys: OrderKeys = [:], granted: [String: Granted] = [:]
    ) {
        if let problem = misalignment(result, orderKeys: orderKeys, granted: granted) { preconditionFailure(problem) }
        let compiled = Dictionary(policies.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        exclude(&result, compiled)
        for index in result.policies.indices {
            guard let policy = compiled[result.policies[index].policyID], let budget = yearlyBudgetFen(policy) else { continue }
            let keys = policy.grantOrder == nil ? nil : orderKeys[policy.id]
            spend(&result.policies[index], budgetFen: budget, perYear: policy.period == "月" ? 12 : 1, keys: keys,
                  descending: policy.grantOrder?.descending ?? false, granted: granted[policy.id])
        }
    }

    /// What breaks the invariant of `apply`: order keys or a ledger's holdings for a policy of the
    /// result whose count is not its population's (built for another run or population). Nil
    /// when all are aligned; keys for a policy the result does not hold are not looked at.
    public static func misalignment(_ result: BatchResult, orderKeys: OrderKeys, granted: [String: Granted]) -> String? {
        for batch in result.policies {
            let count = batch.outcomes.count
            if let keys = orderKeys[batch.policyID], keys.count != count {
                return "BatchDecisions：政策 \(batch.policyID) 的发放顺序键有 \(keys.count) 个，对象有 \(count) 个（未与对象对齐）。"
            }
            if let held = granted[batch.policyID]?.held, held.count != count {
                return "BatchDecisions：政策 \(batch.policyID) 的台账已发放数组有 \(held.count) 项，对象有 \(count) 个（未与对象对齐）。"
            }
        }
        return nil
    }

    /// 互斥组 alone (what `rules try` shows: who is granted and who loses in a group; budgets are
    /// compared there, not spent).
    public static func applyExclusiveGroups(_ result: inout BatchResult, policies: [CompiledPolicy]) {
        exclude(&result, Dictionary(policies.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    /// 互斥组, per subject: the groups' policies are compared entity by entity.
    static func exclude(_ result: inout BatchResult, _ compiled: [String: CompiledPolicy]) {
        var groups: [String: [Int]] = [:]
        for (index, batch) in result.policies.enumerated() {
            guard let group = compiled[batch.policyID]?.exclusive?.group else { continue }
            groups["\(batch.subject)\u{1F}\(group)", default: []].append(index)
        }
        for members in groups.values.map({ $0.sorted() }) where members.count > 1 {
            let policies = members.compactMap { compiled[result.policies[$0].policyID] }
            guard policies.count == members.count else { continue }
            let byAmount = policies.contains { $0.exclusive?.higherWins == true }
            let priorities = policies.map(ExclusiveGroups.priority)
            let count = result.policies[members[0]].outcomes.count
            for entity in 0..<count {
                var best: Int?
                for (position, member) in members.enumerated() where result.policies[member].outcomes[entity] == .eligible {
                    guard let current = best else {
                        best = position
                        continue
                    }
                    if beats(position, current, entity, byAmount, members, priorities, policies, result) { best = position }
                }
                guard let winner = best else { continue }
                for (position, member) in members.enumerated()
                where position != winner && result.policies[member].outcomes[entity] == .eligible {
                    result.policies[member].outcomes[entity] = .excluded
                }
            }
        }
    }

    /// As `ExclusiveGroups`: with 就高 the larger amount, then the smaller 优先级, then the id.
    private static func beats(
        _ a: Int, _ b: Int, _ entity: Int, _ byAmount: Bool, _ members: [Int], _ priorities: [Decimal],
        _ policies: [CompiledPolicy], _ result: BatchResult
    ) -> Bool {
        ExclusiveGroups.ranksAbove(
            amounts: byAmount ? (result.policies[members[a]].amountFen[entity], result.policies[members[b]].amountFen[entity]) : nil,
            priorities: (priorities[a], priorities[b]), ids: (policies[a].id, policies[b].id)
        )
    }

    /// Grants the eligible entities in order while the year's spending stays within the budget;
    /// from the first entity that does not fit on, every eligible entity is `over_budget` (the
    /// order is kept: nobody further down is granted ahead of someone who waited).
    /// With `granted`, the year's spending starts from what the ledger granted in the period and
    /// the eligible holders of a grant are kept first (only a change of their amount is spent).
    static func spend(
        _ batch: inout PolicyBatch, budgetFen: Int64, perYear: Int64, keys: [Int64?]?, descending: Bool, granted: Granted? = nil
    ) {
        var spent: Int64 = 0
        var held: [Int64?]? = nil
        if let granted {  // aligned: checked by `apply`
            held = granted.held
            spent = granted.totalFen.multipliedReportingOverflow(by: perYear).partialValue
            for entity in batch.outcomes.indices where batch.outcomes[entity] == .eligible {
                guard let amount = granted.held[entity] else { continue }
                spent &+= (batch.amountFen[entity] &- amount).multipliedReportingOverflow(by: perYear).partialValue
            }
        }
        var order = batch.outcomes.indices.filter { batch.outcomes[$0] == .eligible && held?[$0] == nil }
        if let keys {  // aligned: checked by `apply`
            order.sort { a, b in
                switch (keys[a], keys[b]) {
                case let (x?, y?) where x != y: return descending ? x > y : x < y
                case (nil, _?): return false
                case (_?, nil): return true
                default: return a < b
                }
            }
        }
        var full = false
        for entity in order {
            let yearly = batch.amountFen[entity].multipliedReportingOverflow(by: perYear)
            let (total, overflow) = spent.addingReportingOverflow(yearly.partialValue)
            if full || yearly.overflow || overflow || total > budgetFen {
                full = true
                batch.outcomes[entity] = .overBudget
            } else {
                spent = total
            }
        }
    }

    /// The policy's 预算 in 分 per year; nil without one (or one that cannot be read).
    public static func yearlyBudgetFen(_ policy: CompiledPolicy) -> Int64? {
        policy.budget.flatMap(budgetFen)
    }

    /// A 预算 as the policy writes it (元) in 分; nil when it cannot be read.
    public static func budgetFen(_ text: String) -> Int64? {
        guard let value = Decimal(string: text) else { return nil }
        return NSDecimalNumber(decimal: ReferenceEvaluator.roundedToFen(value) * 100).int64Value
    }
}
