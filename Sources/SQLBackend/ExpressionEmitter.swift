internal import Datasets
internal import RuleLanguage

/// One node of the program as a SQL expression with the engine's semantics: unknown is NULL
/// and SQL's three-valued AND/OR/NOT are Kleene's; every other operation is written so that a
/// NULL operand gives NULL, as an unknown operand gives unknown in the engine.
struct ExpressionEmitter {
    let program: Program
    let types: NodeTypes
    let dialect: SQLDialect
    let asOf: Day
    /// The policy being written, for refusals.
    var policy: String?
    /// Nodes already computed as a column of the CTE being read (shared facts and conditions).
    var columns: [NodeID: String] = [:]
    /// Aggregates and 持有有效证照 as columns of the population, with their value over no records.
    var aggregates: [NodeID: AggregateColumn] = [:]

    /// Where an expression is evaluated: on the entity's row, or on one related record inside an
    /// aggregate (`alias` is the record's table alias).
    enum Context: Equatable {
        case entity
        case record(DatasetKind, alias: String)
    }

    func refuse(_ construct: String, _ reason: String) -> SQLRefusal {
        SQLRefusal(policy: policy, construct: construct, dialect: dialect, reason: reason)
    }

    func emit(_ id: NodeID, _ context: Context = .entity) throws -> String {
        if context == .entity, let column = columns[id] { return SQLDialect.quote(column) }
        switch program[id].operation {
        case .field(let name, _):
            guard context == .entity else {
                throw refuse("集合函数中的对象字段 \(name)", "：聚合只能读取所聚合记录的字段")
            }
            return SQLDialect.quote(name)
        case .relatedField(let kind, let name, _):
            guard case .record(let recordKind, let alias) = context, recordKind == kind else {
                throw refuse("集合字段 \(name)", "不在对它所属集合的集合函数（合计、计数、任一……）之中")
            }
            return "\(alias).\(SQLDialect.quote(name))"
        case .number(let text, _): return text
        case .date(let day): return SQLDialect.date(day)
        case .text(let text): return SQLDialect.text(text)
        case .bool(let value): return value ? "TRUE" : "FALSE"
        case .parameter(let name): return parameter(name)
        case .age(let operand): return age(try emit(operand, context))
        case .asOf: return SQLDialect.date(asOf)
        case .days(let from, let to): return dialect.days(from: try emit(from, context), to: try emit(to, context))
        case .aggregate, .validLicence:
            guard context == .entity, let column = aggregates[id] else {
                throw refuse("集合函数中的集合函数", "：嵌套的聚合不能写成一次分组")
            }
            return column.expression
        case .negate(let operand): return "(-\(try emit(operand, context)))"
        case .not(let operand): return "(NOT \(try emit(operand, context)))"
        case .binary(let op, let lhs, let rhs): return try binary(op, lhs, rhs, context)
        case .memberOf(let operand, let items): return try member(operand, items, context)
        case .choose(let condition, let then, let otherwise):
            let c = try emit(condition, context)
            return "CASE WHEN \(c) THEN \(try emit(then, context)) WHEN NOT \(c) THEN \(try emit(otherwise, context)) END"
        case .convert(let operand, let conversion):
            return "(\(try emit(operand, context)) * \(conversion == .percentToFraction ? "0.01" : "10000"))"
        case .present(let field, let filled):
            if context == .entity, case .relatedField(_, let name, _) = program[field].operation {
                throw refuse("已填/未填(集合字段 \(name))", "：不在集合函数中时，取决于是否导入过该集合，SQL 表中无法得知")
            }
            return "(\(try emit(field, context)) IS \(filled ? "NOT " : "")NULL)"
        case .extreme(let largest, let operands):
            let values = try operands.map { try emit($0, context) }
            let anyNull = values.map { "\($0) IS NULL" }.joined(separator: " OR ")
            return "CASE WHEN \(anyNull) THEN NULL ELSE \(largest ? "GREATEST" : "LEAST")(\(values.joined(separator: ", "))) END"
        case .ownAmount(let id):
            guard let amount = program.policy(id)?.amount else { return "NULL" }
            return try self.amount(amount, context)
        case .lookup(let key, let rows, let otherwise, let prefix):
            return try lookup(key, rows, otherwise, prefix: prefix, context)
        }
    }

    /// The amount before rounding: tiers matched top down (0 when none matches), then the cap.
    func amount(_ amount: CompiledAmount, _ context: Context = .entity) throws -> String {
        let (raw, cap) = try uncapped(amount, context)
        return try cap.map { Self.capped(raw, try emit($0, context)) } ?? raw
    }

    /// The formula or the matching tier's value, and the cap node if any.
    func uncapped(_ amount: CompiledAmount, _ context: Context = .entity) throws -> (String, NodeID?) {
        switch amount {
        case .formula(let node, let cap):
            return (try emit(node, context), cap)
        case .tiers(let by, let tiers, let cap):
            let x = try emit(by, context)
            var text = "CASE WHEN \(x) IS NULL THEN NULL"
            for tier in tiers {
                var test = "\(x) \(tier.lowerInclusive ? ">=" : ">") \(tier.lower)"
                if let upper = tier.upper { test += " AND \(x) \(tier.upperInclusive ? "<=" : "<") \(upper)" }
                text += " WHEN \(test) THEN \(try emit(tier.value, context))"
            }
            return (text + " ELSE 0 END", cap)
        }
    }

    /// 上限: the smaller of the two, unknown when either is (SQL's LEAST would skip a NULL).
    static func capped(_ value: String, _ cap: String) -> String {
        "CASE WHEN (\(value)) IS NULL OR (\(cap)) IS NULL THEN NULL WHEN (\(value)) <= (\(cap)) THEN (\(value)) ELSE (\(cap)) END"
    }

    private func parameter(_ name: String) -> String {
        guard let parameter = program.parameters[name],
              let index = parameter.values.lastIndex(where: { $0.from <= asOf }) else {
            return "CAST(NULL AS DECIMAL(18, 2)) /* 参数 \(name) 于 \(asOf) 尚无取值：未知 */"
        }
        let value = parameter.values[index]
        let source = index < parameter.sources.count ? "，\(parameter.sources[index])" : ""
        return "\(value.value) /* 参数 \(name)：自 \(value.from) 起\(source) */"
    }

    /// 周岁: completed years on the evaluation date, the birthday itself counted (born on 29
    /// February: 1 March in other years, as month*100+day compares).
    private func age(_ born: String) -> String {
        let (year, month, day) = asOf.components
        let part = { (unit: String) in "CAST(EXTRACT(\(unit) FROM \(born)) AS INTEGER)" }
        return "(\(year) - \(part("YEAR")) - CASE WHEN \(part("MONTH")) * 100 + \(part("DAY")) > \(month * 100 + day) THEN 1 ELSE 0 END)"
    }

    private func binary(_ op: BinaryOperator, _ lhs: NodeID, _ rhs: NodeID, _ context: Context) throws -> String {
        switch op {
        case .and, .or:
            return "(\(try emit(lhs, context)) \(op == .and ? "AND" : "OR") \(try emit(rhs, context)))"
        case .plus, .minus, .times:
            return "(\(try emit(lhs, context)) \(op.rawValue) \(try emit(rhs, context)))"
        case .divide:
            throw refuse("除法（/）", "：只在比较（<、>、= 等）中能精确写出（乘到另一边），其结果用作数值时 \(dialect.label) 的除法会舍入或转为浮点数")
        default:
            break
        }
        if let (a, b) = division(lhs) { return try dividedComparison(op, a, b, other: rhs, flipped: false, context) }
        if let (a, b) = division(rhs) { return try dividedComparison(op, a, b, other: lhs, flipped: true, context) }
        let kind = types[lhs]
        let ordering = op != .equal && op != .notEqual
        if ordering && (kind == .text || kind == .bool) { return "CAST(NULL AS BOOLEAN)" }
        return "(\(try emit(lhs, context)) \(Self.sql(op)) \(try emit(rhs, context)))"
    }

    private func division(_ id: NodeID) -> (NodeID, NodeID)? {
        if case .binary(.divide, let a, let b) = program[id].operation { return (a, b) }
        return nil
    }

    /// `a / b op c` without dividing: `a op c*b` when b > 0, the comparison reversed when b < 0,
    /// unknown when b = 0 (as division by zero is). `flipped`: the division is on the right.
    private func dividedComparison(
        _ op: BinaryOperator, _ a: NodeID, _ b: NodeID, other: NodeID, flipped: Bool, _ context: Context
    ) throws -> String {
        if division(other) != nil { throw refuse("两个商的比较", "：两边都是除法") }
        let numerator = try emit(a, context)
        let divisor = try emit(b, context)
        let scaled = "(\(try emit(other, context)) * \(divisor))"
        let positive = flipped ? Self.reversed(op) : op
        func test(_ op: BinaryOperator) -> String { "\(numerator) \(Self.sql(op)) \(scaled)" }
        return "CASE WHEN \(divisor) > 0 THEN \(test(positive)) WHEN \(divisor) < 0 THEN \(test(Self.reversed(positive))) END"
    }

    /// The comparison with its sides swapped (a < b is b > a).
    static func reversed(_ op: BinaryOperator) -> BinaryOperator {
        switch op {
        case .greater: .less
        case .greaterEqual: .lessEqual
        case .less: .greater
        case .lessEqual: .greaterEqual
        default: op
        }
    }

    static func sql(_ op: BinaryOperator) -> String {
        op == .notEqual ? "<>" : op.rawValue
    }

    private func member(_ operand: NodeID, _ items: [SetItem], _ context: Context) throws -> String {
        let x = try emit(operand, context)
        var tests: [String] = []
        switch types[operand] {
        case .text:
            let listed = items.compactMap { item -> String? in
                if case .text(let t) = item { return SQLDialect.text(t) }
                return nil
            }
            if !listed.isEmpty { tests.append("\(x) IN (\(listed.joined(separator: ", ")))") }
            for case .divisionPrefix(let prefix) in items {
                tests.append("substr(\(x), 1, \(prefix.count)) = \(SQLDialect.text(prefix))")
            }
        case .number:
            let listed = items.compactMap { item -> String? in
                if case .text(let t) = item, Double(t) != nil, t.allSatisfy({ $0.isNumber || $0 == "." }) { return t }
                return nil
            }
            if !listed.isEmpty { tests.append("\(x) IN (\(listed.joined(separator: ", ")))") }
        case .date, .bool:
            return "CAST(NULL AS BOOLEAN)"
        }
        guard !tests.isEmpty else { return "CASE WHEN \(x) IS NULL THEN NULL ELSE FALSE END" }
        return "(" + tests.joined(separator: " OR ") + ")"
    }

    /// The first row listing the key (codes: the longest listed prefix), else `其他`, else NULL;
    /// a key that is not text, or unknown, gives NULL.
    private func lookup(_ key: NodeID, _ rows: [LookupRow], _ otherwise: NodeID?, prefix: Bool, _ context: Context) throws -> String {
        guard types[key] == .text else { return "NULL" }
        let x = try emit(key, context)
        var text = "CASE WHEN \(x) IS NULL THEN NULL"
        if prefix {
            var listed: [(key: String, row: Int)] = []
            for (index, row) in rows.enumerated() { listed += row.keys.map { ($0, index) } }
            // Longest first; among equal lengths the first row (as the engine's strict `>` keeps).
            let ordered = listed.enumerated().sorted { a, b in
                a.element.key.count != b.element.key.count ? a.element.key.count > b.element.key.count : a.offset < b.offset
            }.map(\.element)
            for entry in ordered {
                let test = entry.key.isEmpty ? "TRUE" : "substr(\(x), 1, \(entry.key.count)) = \(SQLDialect.text(entry.key))"
                text += " WHEN \(test) THEN \(try emit(rows[entry.row].value, context))"
            }
        } else {
            for row in rows where !row.keys.isEmpty {
                text += " WHEN \(x) IN (\(row.keys.map(SQLDialect.text).joined(separator: ", "))) THEN \(try emit(row.value, context))"
            }
        }
        let fallback = try otherwise.map { try emit($0, context) } ?? "NULL"
        return text + " ELSE \(fallback) END"
    }
}

/// An aggregate's column in a population, and its value when the entity has no such records.
struct AggregateColumn {
    /// The per-entity expression (reads the aggregate's column and the group's row count).
    var expression: String
}
