public import Datasets

/// A name as written, with where it was written.
public struct Name: Sendable, Hashable {
    public var text: String
    public var range: Range<Int>
}

/// A literal with its source range.
public struct Literal<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var range: Range<Int>
}

/// One parsed rule file.
public struct RuleFile: Sendable {
    public var source: SourceFile
    public var declarations: [Declaration]
}

public enum Declaration: Sendable {
    case policy(PolicyDecl)
    case condition(ConditionDecl)
    case fact(FactDecl)
    case parameter(ParameterDecl)
}

public struct PolicyDecl: Sendable {
    public var id: Name
    public var title: Literal<String>
    public var lines: [PolicyLine]
    public var range: Range<Int>
}

/// One line of a policy block, as written; the checker decides what is missing or repeated.
public enum PolicyLine: Sendable {
    case domain(Name)
    case department(Literal<String>)
    case basis(Literal<String>)
    case subject(Name)
    case payee(Name)
    case mode(Name)
    case validity(from: Literal<Day>, to: Literal<Day>)
    case period(Name)
    case budget(Literal<String>, unit: Name?)
    case exclusive(group: Name, priority: Literal<String>, higherWins: Bool)
    case version(Literal<String>)
    /// `发放顺序 按 字段 升序|降序`: who is granted first when the 预算 runs out.
    case grantOrder(field: Name, direction: Name)
    /// `条件 户籍在本区`: a shared condition used by name; `前提 户籍在本区` marks it as a premise.
    case useCondition(Name, premise: Bool)
    case condition(ConditionDecl)
    case amount(AmountDecl)
}

public struct ConditionDecl: Sendable {
    public var name: Name
    public var label: Literal<String>?
    public var basis: Literal<String>?
    public var expression: Expr
    public var range: Range<Int>
    /// Written `前提 …` in a policy: a scope condition (户籍, 健在, 注册地 …). Always false for a
    /// shared condition declared at the top level; a policy marks the conditions it uses.
    public var premise = false
}

public struct FactDecl: Sendable {
    public var name: Name
    public var label: Literal<String>?
    public var expression: Expr
    public var range: Range<Int>
}

public struct ParameterDecl: Sendable {
    public var name: Name
    public var unit: Name?
    /// Values in force from each date on, in written order, each with the unit written after it.
    public var values: [(from: Literal<Day>, value: Literal<String>, unit: Name?)]
    public var range: Range<Int>
}

public struct AmountDecl: Sendable {
    public enum Body: Sendable {
        case formula(Expr)
        case tiers(by: Expr, tiers: [Tier])
    }

    public var body: Body
    public var cap: Expr?
    public var range: Range<Int>
}

/// `[80, 90) 100 元`: a half-open (or closed) range and the amount inside it.
public struct Tier: Sendable {
    public var lower: Literal<String>
    public var lowerInclusive: Bool
    /// nil for `以上` (no upper bound).
    public var upper: Literal<String>?
    public var upperInclusive: Bool
    public var value: Expr
    public var range: Range<Int>
}

/// An expression with its source range.
public struct Expr: Sendable {
    public indirect enum Kind: Sendable {
        case number(String, unit: Name?)
        case date(Day)
        case string(String)
        case bool(Bool)
        case name(Name)
        /// `家庭成员.个人年收入`: a field of related records.
        case member(Name, Name)
        case call(Name, [Expr])
        case negate(Expr)
        case not(Expr)
        case binary(BinaryOperator, Expr, Expr)
        case membership(Expr, [Expr])
        /// `若 条件 则 甲 否则 乙`.
        case conditional(Expr, then: Expr, else: Expr)
        /// `按 学段 取值 … 结束`: a value chosen by the key's value, with an optional `其他`.
        case lookup(Expr, [LookupEntry], otherwise: Expr?)
    }

    public var kind: Kind
    public var range: Range<Int>
}

public enum BinaryOperator: String, Sendable {
    case and = "且", or = "或"
    case equal = "=", notEqual = "!=", greater = ">", greaterEqual = ">=", less = "<", lessEqual = "<="
    case plus = "+", minus = "-", times = "*", divide = "/"
}

/// One row of a lookup table: `学前, 小学: 1000 元` (one or more keys, one value).
public struct LookupEntry: Sendable {
    public var keys: [Name]
    public var value: Expr
}
