internal import Datasets
internal import RuleLanguage

/// One policy as a CTE over its subject's entities: each condition as a true/false/NULL column
/// (the validity window as 有效期), the outcome (Kleene AND of the conditions: false →
/// ineligible, NULL → unknown, true → eligible, or unknown when the amount needs missing data)
/// and the amount rounded half up to the fen.
struct PolicyEmitter {
    /// Every condition column of the results, in order: each row fills its own policy's.
    let conditionColumns: [String]
    /// Fields a 发放顺序 can sort by (dates and numbers; by any other the engine orders by id).
    let orderableFields: Set<String>

    static let validityColumn = "有效期"

    static func conditionNames(_ policy: CompiledPolicy) -> [String] {
        (policy.validity == nil ? [] : [validityColumn]) + policy.conditions.map(\.name)
    }

    func cte(_ policy: CompiledPolicy, from source: String, emitter base: ExpressionEmitter) throws -> String {
        var emitter = base
        emitter.policy = policy.id
        var inner = ["entity_id"]
        var own: [String] = []
        if let validity = policy.validity {
            let inForce = validity.from <= emitter.asOf && emitter.asOf <= validity.to
            inner.append("\(inForce ? "TRUE" : "FALSE") AS \(SQLDialect.quote(Self.validityColumn)) /* \(validity.from) 至 \(validity.to) */")
            own.append(Self.validityColumn)
        }
        for condition in policy.conditions {
            inner.append("\(try emitter.emit(condition.node)) AS \(SQLDialect.quote(condition.name)) /* \(SQLDialect.comment(condition.label)) */")
            own.append(condition.name)
        }
        // The amount before its cap, and the cap, as columns: the outer SELECT caps them.
        var amount: String?
        if let compiled = policy.amount {
            let (value, cap) = try emitter.uncapped(compiled)
            inner.append("\(value) AS amount_value")
            if let cap {
                inner.append("\(try emitter.emit(cap)) AS amount_cap")
                amount = ExpressionEmitter.capped("c.amount_value", "c.amount_cap")
            } else {
                amount = "c.amount_value"
            }
        }
        inner.append("\(try grantRank(policy, emitter)) AS grant_rank")
        let all = own.isEmpty ? "TRUE" : own.map { "c.\(SQLDialect.quote($0))" }.joined(separator: " AND ")
        let outcome = "CASE WHEN (\(all)) IS NULL THEN 'unknown' WHEN NOT (\(all)) THEN 'ineligible'"
            + (amount.map { " WHEN (\($0)) IS NULL THEN 'unknown'" } ?? "") + " ELSE 'eligible' END"
        // Without a 金额 (提醒), an eligible row carries 0.00, as the engine's results do.
        var outer = [
            "c.entity_id", "\(SQLDialect.text(policy.id)) AS policy_id", "\(outcome) AS outcome",
            "CASE WHEN (\(all)) THEN CAST(ROUND(\(amount ?? "0"), 2) AS DECIMAL(18, 2)) END AS amount", "c.grant_rank",
        ]
        for column in conditionColumns {
            outer.append(own.contains(column) ? "c.\(SQLDialect.quote(column))" : "CAST(NULL AS BOOLEAN) AS \(SQLDialect.quote(column))")
        }
        let comment = "-- \(policy.id) \(policy.title)（对象 \(policy.subject ?? "居民")\(policy.file.map { "，\($0)" } ?? "")）"
        return """
            \(SQLDialect.quote(policy.id)) AS (
                \(comment)
                SELECT \(outer.joined(separator: ",\n           "))
                FROM (
                    SELECT \(inner.joined(separator: ",\n               "))
                    FROM \(SQLDialect.quote(source))
                ) c
            )
            """
    }

    /// With a 预算: the entity's place in the 发放顺序 (the field's value, missing last, then the
    /// entity id) over the whole population; ranks keep the order among any subset.
    private func grantRank(_ policy: CompiledPolicy, _ emitter: ExpressionEmitter) throws -> String {
        guard policy.budget != nil else { return "CAST(NULL AS BIGINT)" }
        var keys: [String] = []
        if let order = policy.grantOrder, orderableFields.contains(order.field) {
            keys.append("\(SQLDialect.quote(order.field)) \(order.descending ? "DESC" : "ASC") NULLS LAST")
        }
        keys.append(emitter.dialect.binary("entity_id"))
        return "ROW_NUMBER() OVER (ORDER BY \(keys.joined(separator: ", ")))"
    }
}
