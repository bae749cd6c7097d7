public import Datasets
public import Foundation
public import RuleLanguage

/// Evaluates the compiled program for one entity as of a date. Plain and obviously correct:
/// it walks the DAG recursively with exact decimals (Foundation `Decimal`, never `Double`) and
/// Kleene logic. It serves `rules test` and is the oracle the columnar engine is checked against.
public struct ReferenceEvaluator: Sendable {
    public let program: Program
    /// Decimal scale of each entity field the program reads, to show inputs as people write them.
    let scales: [String: Int]

    public init(program: Program) {
        self.program = program
        var scales: [String: Int] = [:]
        for node in program.nodes {
            switch node.operation {
            case .field(let name, let scale?): scales[name] = scale
            case .relatedField(let kind, let name, let scale?): scales[Self.relatedKey(kind, name)] = scale
            default: break
            }
        }
        self.scales = scales
    }

    /// A value while evaluating; `.unknown` propagates through everything except Kleene 且/或.
    enum Value: Equatable {
        case unknown
        case bool(Bool)
        case number(Decimal)
        case date(Day)
        case text(String)
        /// Per related record, for aggregates.
        case list([Value])
    }

    public func evaluate(policy id: String, for entity: EntityFacts, asOf: Day) -> PolicyEvaluation? {
        program.policy(id).map { evaluate($0, for: entity, asOf: asOf) }
    }

    /// One policy of this program for one entity (no look-up by id: for loops over policies).
    /// Without `explaining`, conditions carry no inputs: a tally over a million entities needs
    /// each condition's value, not the text of every value it read.
    public func evaluate(_ policy: CompiledPolicy, for entity: EntityFacts, asOf: Day, explaining: Bool = true) -> PolicyEvaluation {
        var results: [PolicyEvaluation.ConditionResult] = []
        // A policy outside its validity window grants nothing on that date.
        if let validity = policy.validity {
            let inForce = validity.from <= asOf && asOf <= validity.to
            results.append(.init(
                name: PolicyEvaluation.validityCondition, label: PolicyEvaluation.validityLabel(validity), basis: policy.basis,
                value: inForce ? .yes : .no, inputs: explaining ? [("评估日", asOf.description)] : [], premise: true
            ))
        }
        for condition in policy.conditions {
            let value = eval(condition.node, entity, asOf)
            let truth: Truth = switch value {
            case .bool(true): .yes
            case .bool(false): .no
            default: .unknown
            }
            let inputs = explaining ? self.inputs(read: [condition.node], entity) : []
            results.append(.init(
                name: condition.name, label: condition.label, basis: condition.basis, value: truth, inputs: inputs,
                premise: condition.premise,
                unlisted: explaining && truth == .unknown ? unlistedKeys(under: [condition.node], entity, asOf) : []
            ))
        }
        var outcome: PolicyEvaluation.Outcome =
            results.contains { $0.value == .no } ? .ineligible : results.contains { $0.value == .unknown } ? .unknown : .eligible
        var amount: Decimal?
        if outcome == .eligible, let compiled = policy.amount {
            if let value = self.amount(compiled, entity, asOf) {
                amount = Self.roundedToFen(value)
            } else {
                // Qualifies, but the amount needs data that is missing: never pay a guess.
                outcome = .unknown
                results.append(.init(
                    name: PolicyEvaluation.amountCondition, label: "计算金额所需的数据齐全", basis: nil, value: .unknown,
                    // What the amount reads, so that an explanation shows which value was missing.
                    inputs: explaining ? inputs(read: compiled.nodes, entity) : [],
                    unlisted: explaining ? unlistedKeys(under: compiled.nodes, entity, asOf) : []
                ))
            }
        }
        return PolicyEvaluation(policy: policy.id, outcome: outcome, amountValue: amount, conditions: results)
    }

    // MARK: Amounts

    func amount(_ amount: CompiledAmount, _ entity: EntityFacts, _ asOf: Day) -> Decimal? {
        let raw: Decimal?
        let capNode: NodeID?
        switch amount {
        case .formula(let node, let cap):
            raw = number(eval(node, entity, asOf))
            capNode = cap
        case .tiers(let by, let tiers, let cap):
            capNode = cap
            guard let x = number(eval(by, entity, asOf)) else { return nil }
            let tier = tiers.first { tier in
                guard let lower = Decimal(string: tier.lower) else { return false }
                let aboveLower = tier.lowerInclusive ? x >= lower : x > lower
                guard let upperText = tier.upper, let upper = Decimal(string: upperText) else { return aboveLower }
                return aboveLower && (tier.upperInclusive ? x <= upper : x < upper)
            }
            raw = tier.map { number(eval($0.value, entity, asOf)) } ?? 0
        }
        guard var value = raw else { return nil }
        if let capNode {
            guard let cap = number(eval(capNode, entity, asOf)) else { return nil }
            value = min(value, cap)
        }
        return value
    }

    func number(_ value: Value) -> Decimal? {
        if case .number(let n) = value { return n }
        return nil
    }

    /// 元 with two decimals, rounded half up (四舍五入到分), e.g. 892.50.
    public static func yuan(_ value: Decimal) -> String {
        let units = NSDecimalNumber(decimal: roundedToFen(value) * 100).int64Value
        return ScaledDecimal(units: units, scale: 2).description
    }

    /// 四舍五入到分.
    public static func roundedToFen(_ value: Decimal) -> Decimal {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 2, .plain)
        return rounded
    }

    // MARK: Nodes

    func eval(_ id: NodeID, _ entity: EntityFacts, _ asOf: Day, record: [String: FieldValue]? = nil) -> Value {
        switch program[id].operation {
        case .field(let name, let scale):
            return Self.value(entity.fields[name], scale: scale)
        case .relatedField(let kind, let name, let scale):
            if let record { return Self.value(record[name], scale: scale) }
            guard let records = entity.related[kind] else { return .unknown }
            return .list(records.map { Self.value($0[name], scale: scale) })
        case .number(let text, _): return Decimal(string: text).map(Value.number) ?? .unknown
        case .date(let day): return .date(day)
        case .text(let text): return .text(text)
        case .bool(let b): return .bool(b)
        case .parameter(let name):
            guard let parameter = program.parameters[name],
                  let current = parameter.values.last(where: { $0.from <= asOf }),
                  let value = Decimal(string: current.value) else { return .unknown }
            return .number(value)
        case .age(let operand):
            guard case .date(let born) = eval(operand, entity, asOf, record: record) else { return .unknown }
            return .number(Decimal(Self.wholeYears(from: born, to: asOf)))
        case .asOf:
            return .date(asOf)
        case .days(let from, let to):
            guard case .date(let a) = eval(from, entity, asOf, record: record),
                  case .date(let b) = eval(to, entity, asOf, record: record) else { return .unknown }
            return .number(Decimal(Int(b.daysSinceEpoch) - Int(a.daysSinceEpoch)))
        case .aggregate(let aggregate, let kind, let operand):
            return evalAggregate(aggregate, kind, operand, entity, asOf)
        case .negate(let operand):
            guard case .number(let n) = eval(operand, entity, asOf, record: record) else { return .unknown }
            return .number(-n)
        case .not(let operand):
            guard case .bool(let b) = eval(operand, entity, asOf, record: record) else { return .unknown }
            return .bool(!b)
        case .binary(let op, let lhs, let rhs):
            return evalBinary(op, eval(lhs, entity, asOf, record: record), { eval(rhs, entity, asOf, record: record) })
        case .memberOf(let operand, let items):
            switch eval(operand, entity, asOf, record: record) {
            case .text(let text):
                return .bool(items.contains { item in
                    switch item {
                    case .text(let t): text == t
                    case .divisionPrefix(let prefix): text.hasPrefix(prefix)
                    }
                })
            case .number(let number):
                // Numbers listed as written (残疾等级 属于 (1, 2)), compared exactly.
                return .bool(items.contains { item in
                    if case .text(let t) = item, let listed = Decimal(string: t) { return listed == number }
                    return false
                })
            default:
                return .unknown
            }
        case .choose(let condition, let then, let otherwise):
            // Only the chosen branch is computed; an unknown condition leaves the value unknown.
            switch eval(condition, entity, asOf, record: record) {
            case .bool(true): return eval(then, entity, asOf, record: record)
            case .bool(false): return eval(otherwise, entity, asOf, record: record)
            default: return .unknown
            }
        case .convert(let operand, let conversion):
            guard case .number(let n) = eval(operand, entity, asOf, record: record) else { return .unknown }
            return .number(conversion == .percentToFraction ? n / 100 : n * 10000)
        case .present(let field, let filled):
            // Records of a collection never imported (licences) may or may not exist: unknown,
            // as aggregates over it are; an empty value of a known record is simply not filled.
            if record == nil, case .relatedField(let kind, _, _) = program[field].operation, entity.related[kind] == nil { return .unknown }
            return .bool(Self.isPresent(eval(field, entity, asOf, record: record)) == filled)
        case .extreme(let largest, let operands):
            return Self.extreme(operands.map { eval($0, entity, asOf, record: record) }, largest: largest)
        case .validLicence(let type):
            guard let licences = entity.related[.licences] else { return .unknown }
            return Self.holdsValidLicence(type, licences, asOf: asOf)
        case .ownAmount(let policy):
            guard let amount = program.policy(policy)?.amount else { return .unknown }
            return self.amount(amount, entity, asOf).map(Value.number) ?? .unknown
        case .lookup(let key, let rows, let otherwise, let prefix):
            guard case .text(let text) = eval(key, entity, asOf, record: record) else { return .unknown }
            guard let chosen = Self.lookupRow(text, rows, prefix: prefix)?.value ?? otherwise else { return .unknown }
            return eval(chosen, entity, asOf, record: record)
        }
    }

    private func evalAggregate(_ aggregate: Aggregate, _ kind: DatasetKind, _ operand: NodeID?, _ entity: EntityFacts, _ asOf: Day) -> Value {
        // A collection never imported (no `related` entry) is missing data: nothing over it is known.
        guard let records = entity.related[kind] else { return .unknown }
        if aggregate == .count {
            guard let operand else { return .number(Decimal(records.count)) }
            // Counting those that meet a condition: unknown if any record cannot be decided.
            var count = 0
            for record in records {
                switch eval(operand, entity, asOf, record: record) {
                case .bool(true): count += 1
                case .bool(false): continue
                default: return .unknown
                }
            }
            return .number(Decimal(count))
        }
        guard let operand else { return .unknown }
        let values = records.map { eval(operand, entity, asOf, record: $0) }
        switch aggregate {
        case .sum:
            var total = Decimal(0)
            for value in values {
                guard case .number(let n) = value else { return .unknown }
                total += n
            }
            return .number(total)
        case .max, .min:
            return Self.extreme(values, largest: aggregate == .max)
        case .any:
            if values.contains(.bool(true)) { return .bool(true) }
            return values.allSatisfy { $0 == .bool(false) } ? .bool(false) : .unknown
        case .all:
            if values.contains(.bool(false)) { return .bool(false) }
            return values.allSatisfy { $0 == .bool(true) } ? .bool(true) : .unknown
        case .count:
            return .number(Decimal(records.count))
        }
    }

    /// 最大 or 最小 of numbers or of dates; unknown when any value is unknown, or there are none.
    static func extreme(_ values: [Value], largest: Bool) -> Value {
        var numbers: [Decimal] = []
        var days: [Day] = []
        for value in values {
            switch value {
            case .number(let n): numbers.append(n)
            case .date(let d): days.append(d)
            default: return .unknown
            }
        }
        if !numbers.isEmpty, days.isEmpty {
            return (largest ? numbers.max() : numbers.min()).map(Value.number) ?? .unknown
        }
        if !days.isEmpty, numbers.isEmpty {
            return (largest ? days.max() : days.min()).map(Value.date) ?? .unknown
        }
        return .unknown
    }

    /// Kleene 且/或 (否 且 未知 = 否, 是 或 未知 = 是); everything else is unknown if an operand is.
    private func evalBinary(_ op: BinaryOperator, _ l: Value, _ r: () -> Value) -> Value {
        switch op {
        case .and:
            if l == .bool(false) { return .bool(false) }
            let rv = r()
            if rv == .bool(false) { return .bool(false) }
            return l == .bool(true) && rv == .bool(true) ? .bool(true) : .unknown
        case .or:
            if l == .bool(true) { return .bool(true) }
            let rv = r()
            if rv == .bool(true) { return .bool(true) }
            return l == .bool(false) && rv == .bool(false) ? .bool(false) : .unknown
        default:
            break
        }
        let rv = r()
        switch (l, rv) {
        case (.number(let a), .number(let b)):
            switch op {
            case .plus: return .number(a + b)
            case .minus: return .number(a - b)
            case .times: return .number(a * b)
            case .divide: return b == 0 ? .unknown : .number(a / b)
            default: return .bool(Self.compare(op, a, b))
            }
        case (.date(let a), .date(let b)): return .bool(Self.compare(op, a, b))
        case (.text(let a), .text(let b)): return op == .equal ? .bool(a == b) : op == .notEqual ? .bool(a != b) : .unknown
        case (.bool(let a), .bool(let b)): return op == .equal ? .bool(a == b) : op == .notEqual ? .bool(a != b) : .unknown
        default: return .unknown
        }
    }

    static func compare<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: a == b
        case .notEqual: a != b
        case .greater: a > b
        case .greaterEqual: a >= b
        case .less: a < b
        case .lessEqual: a <= b
        default: false
        }
    }

    /// 周岁: completed years on `asOf`. Someone born on 29 February completes a year on
    /// 1 March in years without that day.
    static func wholeYears(from born: Day, to asOf: Day) -> Int {
        let (by, bm, bd) = born.components
        let (y, m, d) = asOf.components
        return y - by - ((m, d) < (bm, bd) ? 1 : 0)
    }

    static func value(_ field: FieldValue?, scale: Int?) -> Value {
        switch field {
        case nil, .null?: return .unknown
        case .text(let s)?: return .text(s)
        case .integer(let i)?: return .number(Decimal(i))
        case .decimal(let units)?:
            var value = Decimal(units)
            for _ in 0..<(scale ?? 0) { value /= 10 }
            return .number(value)
        case .date(let d)?: return .date(d)
        case .bool(let b)?: return .bool(b)
        }
    }

    static func display(_ field: FieldValue, scale: Int?) -> String {
        switch field {
        case .decimal(let units): ScaledDecimal(units: units, scale: scale ?? 0).description
        case .null: ""
        case .text(let s): s
        case .integer(let i): String(i)
        case .date(let d): d.description
        case .bool(let b): b ? "是" : "否"
        }
    }
}
