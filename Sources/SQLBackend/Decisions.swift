internal import Datasets
internal import RuleLanguage

/// After every policy: 互斥组 (an entity eligible for several policies of a group keeps one: with
/// 就高 the larger amount, then the smaller 优先级, then the policy id; the others `excluded`),
/// then 预算 (eligible entities in the 发放顺序 while the year's cumulative amount stays within
/// the budget; from the first that does not fit on, `over_budget`), as `BatchDecisions` does,
/// starting from what the grants ledger (grants_held) granted in the period: its holders keep
/// their grant and only the change of their amount is spent.
struct Decisions {
    let policies: [CompiledPolicy]
    let dialect: SQLDialect
    let conditionColumns: [String]
    /// The ledger's period of a policy for the run's as-of date (`BenefitPeriod` code: ONCE,
    /// 2025, 202506), written into the script as a literal.
    let ledgerPeriod: (CompiledPolicy) -> String
    let asOf: Day
    /// Whether the final SELECT sorts by policy and entity.
    var ordered = true

    private var columns: [String] {
        ["entity_id", "policy_id", "outcome", "amount", "grant_rank"] + conditionColumns.map(SQLDialect.quote)
    }

    private func list(_ ids: [String]) -> String {
        ids.map(SQLDialect.text).joined(separator: ", ")
    }

    private var groups: [(name: String, members: [CompiledPolicy])] {
        var groups: [String: [CompiledPolicy]] = [:]
        for policy in policies {
            guard let group = policy.exclusive?.group else { continue }
            groups["\(policy.subject ?? "居民")_\(group)", default: []].append(policy)
        }
        return groups.keys.sorted().compactMap { key in
            guard let members = groups[key], members.count > 1 else { return nil }
            return (key, members)
        }
    }

    private var budgeted: [(policy: CompiledPolicy, budget: String)] {
        policies.compactMap { policy in
            guard let budget = policy.budget, !budget.isEmpty, budget.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
            return (policy, budget)
        }
    }

    func ctes() -> [String] {
        var ctes = ["""
            "全部结果" AS (
                -- 各政策的结果（互斥组与预算之前）
                \(policies.map { "SELECT * FROM \(SQLDialect.quote($0.id))" }.joined(separator: "\n    UNION ALL "))
            )
            """]
        let grouped = groups
        for group in grouped {
            let byAmount = group.members.contains { $0.exclusive?.higherWins == true }
            let priority = "CASE policy_id " + group.members.map { policy in
                "WHEN \(SQLDialect.text(policy.id)) THEN \(policy.exclusive?.priority ?? "0")"
            }.joined(separator: " ") + " END"
            var order = byAmount ? ["COALESCE(amount, 0) DESC"] : []
            order += [priority, dialect.binary("policy_id")]
            let rank = "ROW_NUMBER() OVER (PARTITION BY entity_id, outcome ORDER BY \(order.joined(separator: ", ")))"
            let selected = columns.map { $0 == "outcome" ? "CASE WHEN outcome = 'eligible' AND \(rank) > 1 THEN 'excluded' ELSE outcome END AS outcome" : $0 }
            ctes.append("""
                \(SQLDialect.quote("互斥组_" + group.name)) AS (
                    -- 互斥组 \(group.name)：\(byAmount ? "就高（金额大者得），同额按优先级、编号" : "按优先级")，其余为 excluded
                    SELECT \(selected.joined(separator: ", "))
                    FROM "全部结果"
                    WHERE policy_id IN (\(list(group.members.map(\.id))))
                )
                """)
        }
        let groupedIDs = grouped.flatMap { $0.members.map(\.id) }
        var afterGroups = "SELECT * FROM \"全部结果\"" + (groupedIDs.isEmpty ? "" : " WHERE policy_id NOT IN (\(list(groupedIDs)))")
        for group in grouped { afterGroups += "\n    UNION ALL SELECT * FROM \(SQLDialect.quote("互斥组_" + group.name))" }
        ctes.append("""
            "互斥后" AS (
                \(afterGroups)
            )
            """)
        for (policy, budget) in budgeted {
            ctes += budgetCTEs(policy, budget)
        }
        return ctes
    }

    func finalSelect() -> String {
        let budgetIDs = budgeted.map(\.policy.id)
        var from = "SELECT * FROM \"互斥后\"" + (budgetIDs.isEmpty ? "" : " WHERE policy_id NOT IN (\(list(budgetIDs)))")
        for id in budgetIDs { from += "\n    UNION ALL SELECT * FROM \(SQLDialect.quote("预算_" + id))" }
        let selected = ["entity_id", "policy_id", "outcome", "CASE WHEN outcome IN ('eligible', 'over_budget') THEN amount END AS amount"]
            + conditionColumns.map(SQLDialect.quote)
        return """
            SELECT \(selected.joined(separator: ", "))
            FROM (
                \(from)
            ) r\(ordered ? "\nORDER BY \(dialect.binary("policy_id")), \(dialect.binary("entity_id"))" : "")
            """
    }

    /// 预算 of one policy, as `BatchDecisions.spend` with the ledger: the ledger's grants of the
    /// period ("台账_"), then the outcomes: spending starts from the period's total held plus the
    /// change of every eligible holder's amount (all × per-year factor); holders are never
    /// over_budget; the others are granted in 发放顺序 until the first that does not fit.
    private func budgetCTEs(_ policy: CompiledPolicy, _ budget: String) -> [String] {
        let perYear = policy.period == "月" ? "12" : "1"
        let period = ledgerPeriod(policy)
        let ledger = SQLDialect.quote("台账_" + policy.id)
        let window = "OVER (ORDER BY grant_rank ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        let fresh = "outcome = 'eligible' AND held IS NULL"
        let base = "(SELECT COALESCE(SUM(net_amount), 0) FROM \(ledger)) * \(perYear)"
            + " + SUM(CASE WHEN outcome = 'eligible' AND held IS NOT NULL THEN (amount - held) * \(perYear) ELSE 0 END) OVER ()"
        let running = "\(base) + SUM(CASE WHEN \(fresh) THEN COALESCE(amount, 0) * \(perYear) ELSE 0 END) \(window)"
        let over = "MAX(CASE WHEN \(fresh) AND running > ROUND(\(budget), 2) THEN 1 ELSE 0 END) \(window)"
        let selected = columns.map { $0 == "outcome" ? "CASE WHEN \(fresh) AND \(over) = 1 THEN 'over_budget' ELSE outcome END AS outcome" : $0 }
        let order = policy.grantOrder.map { "按 \($0.label)\($0.descending ? "降序" : "升序")，同值与缺值（排最后）按对象编号" } ?? "按对象编号升序"
        return [
            """
            \(ledger) AS (
                -- \(policy.id) 本期（\(policy.period ?? "一次性")）已发放：期间 \(period) 由评估日 \(asOf) 在生成时算出
                SELECT entity_id, net_amount FROM \(TypeMapping.grantsHeld)
                WHERE policy_id = \(SQLDialect.text(policy.id)) AND period = \(SQLDialect.text(period))
            )
            """,
            """
            \(SQLDialect.quote("预算_" + policy.id)) AS (
                -- \(policy.id) 年度预算 \(budget) 元（每期金额 × \(perYear)），先扣除本期台账已发总额与已发放对象的金额变化；
                -- 已发放对象保留，不会超预算；其余按发放顺序：\(order)
                SELECT \(selected.joined(separator: ", "))
                FROM (
                    SELECT s.*, \(running) AS running
                    FROM (
                        SELECT g.*, h.net_amount AS held
                        FROM "互斥后" g LEFT JOIN \(ledger) h ON h.entity_id = g.entity_id
                        WHERE g.policy_id = \(SQLDialect.text(policy.id))
                    ) s
                ) t
            )
            """,
        ]
    }
}
