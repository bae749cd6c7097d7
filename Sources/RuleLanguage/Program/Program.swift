public import Datasets

/// The compiled rule set: one DAG of deduplicated nodes shared by every policy (the same
/// condition written in two policies is one node, computed once), and per policy its
/// conditions, amount and metadata. Evaluators read only this, never the syntax tree.
public struct Program: Sendable {
    /// Nodes in dependency order: a node's operands come before it.
    public var nodes: [ProgramNode]
    public var policies: [CompiledPolicy]
    public var parameters: [String: CompiledParameter]
    /// The node each named fact or condition lowers to, for showing formulas by name
    /// (`大型企业`) rather than expanded; evaluation never needs it.
    public var names: [NodeID: String] = [:]
    /// The file each top-level (shared) fact or condition is written in, by name, for saying
    /// where a definition shown beside a formula comes from.
    public var definitionFiles: [String: String] = [:]

    public subscript(id: NodeID) -> ProgramNode { nodes[id.index] }

    public func policy(_ id: String) -> CompiledPolicy? {
        policies.first { $0.id == id }
    }
}

public struct NodeID: Hashable, Sendable, Comparable {
    public let index: Int

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.index < rhs.index }
}

/// One operation of the DAG.
public enum Operation: Hashable, Sendable {
    /// A field of the entity (canonical name; decimals carry their scale).
    case field(String, scale: Int?)
    /// A field of each related record (household members, licences).
    case relatedField(DatasetKind, String, scale: Int?)
    /// An exact decimal, as written, with the unit written after it (`30 人`): the unit is only
    /// for showing the formula; units were checked, and conversions are explicit nodes.
    case number(String, unit: String?)
    case date(Day)
    case text(String)
    case bool(Bool)
    /// A dated parameter: its value in force on the evaluation date.
    case parameter(String)
    /// Whole years from a date to the evaluation date (周岁, 整年数).
    case age(NodeID)
    /// The evaluation date (评估日).
    case asOf
    /// Days from the first date to the second (天数(发证日期, 评估日)); negative when earlier.
    case days(NodeID, NodeID)
    /// An aggregate over related records; `count` takes an optional per-record condition.
    case aggregate(Aggregate, DatasetKind, NodeID?)
    case negate(NodeID)
    case not(NodeID)
    case binary(BinaryOperator, NodeID, NodeID)
    case memberOf(NodeID, [SetItem])
    /// `若 条件 则 甲 否则 乙`: unknown when the condition is; only the chosen branch is computed.
    case choose(NodeID, then: NodeID, else: NodeID)
    /// A number rescaled from the unit it is written in to the one it is computed in.
    case convert(NodeID, Conversion)
    /// `已填(字段)` (true) or `未填(字段)` (false): whether the value is present; never unknown.
    case present(NodeID, filled: Bool)
    /// `最大(a, b, …)` or `最小(a, b, …)` of scalars: unknown when any operand is.
    case extreme(largest: Bool, [NodeID])
    /// `持有有效证照(类型)`: a related licence of this type with 发证日期 ≤ 评估日 ≤ 有效期至.
    case validLicence(String)
    /// `本项金额` in a condition of the policy with this id: its amount in 元, before rounding.
    case ownAmount(policy: String)
    /// `按 键 取值 … 结束`: the value of the row whose key matches (codes by longest prefix when
    /// `prefix`), else `otherwise`, else unknown; only the chosen value is computed.
    case lookup(NodeID, [LookupRow], otherwise: NodeID?, prefix: Bool)
}

/// One row of a lookup table: the keys it lists and its value.
public struct LookupRow: Hashable, Sendable {
    public var keys: [String]
    public var value: NodeID

    public init(keys: [String], value: NodeID) {
        self.keys = keys
        self.value = value
    }
}

/// The unit conversions the lowering inserts, so evaluators see plain arithmetic.
public enum Conversion: String, Hashable, Sendable {
    /// A percentage as the fraction it stands for: 60 % → 0.6.
    case percentToFraction = "%"
    /// An amount in 万元 as 元: 1.5 万元 → 15000 元.
    case wanToYuan = "万元"
}

extension Operation {
    /// The nodes this operation reads.
    public var operands: [NodeID] {
        switch self {
        case .age(let a), .negate(let a), .not(let a), .memberOf(let a, _), .convert(let a, _), .present(let a, _): [a]
        case .extreme(_, let all): all
        case .lookup(let key, let rows, let otherwise, _): [key] + rows.map(\.value) + (otherwise.map { [$0] } ?? [])
        case .choose(let c, let a, let b): [c, a, b]
        case .aggregate(_, _, let a): a.map { [$0] } ?? []
        case .binary(_, let a, let b), .days(let a, let b): [a, b]
        default: []
        }
    }
}

public enum Aggregate: String, Sendable, Hashable {
    case count = "计数", sum = "合计", max = "最大", min = "最小", any = "任一", all = "所有"
}

/// A member of a set after `属于`.
public enum SetItem: Hashable, Sendable {
    case text(String)
    /// Division codes starting with this prefix (二七区 = 410103).
    case divisionPrefix(String)
}

public struct ProgramNode: Sendable {
    public var operation: Operation
    /// The data fields this node reads, directly or through its operands (for explaining
    /// unknowns by field); related fields are written `家庭成员.name`.
    public var reads: [String]
}

public struct CompiledCondition: Sendable {
    public var name: String
    public var label: String
    public var basis: String?
    public var node: NodeID
    /// Written `前提`: a scope condition (户籍, 健在, 注册地 …). An entity that fails a premise is
    /// outside the policy's population, not a near miss; only policies with premises have near
    /// misses (every premise holds, exactly one other condition fails).
    public var premise = false
}

public enum CompiledAmount: Sendable {
    case formula(NodeID, cap: NodeID?)
    case tiers(by: NodeID, [CompiledTier], cap: NodeID?)
}

extension CompiledAmount {
    /// The nodes of the amount: formula or tier key and values, and the cap.
    public var nodes: [NodeID] {
        switch self {
        case .formula(let node, let cap): [node] + (cap.map { [$0] } ?? [])
        case .tiers(let by, let tiers, let cap): [by] + tiers.map(\.value) + (cap.map { [$0] } ?? [])
        }
    }
}

public struct CompiledTier: Sendable {
    public var lower: String
    public var lowerInclusive: Bool
    public var upper: String?
    public var upperInclusive: Bool
    public var value: NodeID
}

public struct CompiledParameter: Sendable {
    public var name: String
    public var unit: String?
    /// Values from each date on, sorted by date.
    public var values: [(from: Day, value: String)]
    /// Where each value is written (`Rules/助医/城乡居民医保缴费资助.policy:2`), aligned with `values`.
    public var sources: [String] = []
}

public struct CompiledPolicy: Sendable {
    public var id: String
    public var title: String
    /// The rule file the policy is written in (its own conditions are defined there too).
    public var file: String?
    public var domain: String?
    public var department: String?
    public var basis: String?
    /// 居民 / 家庭 / 企业.
    public var subject: String?
    public var payee: String?
    public var mode: String?
    public var validity: (from: Day, to: Day)?
    public var period: String?
    public var budget: String?
    public var exclusive: (group: String, priority: String, higherWins: Bool)?
    public var version: String?
    public var conditions: [CompiledCondition]
    public var amount: CompiledAmount?
    /// `发放顺序`: who is granted first when a 预算 runs out; nil: by entity id, ascending.
    public var grantOrder: GrantOrder?

    /// Whether any condition is a 前提 (scope condition).
    public var hasPremises: Bool { conditions.contains(where: \.premise) }

    /// Whether near misses (差一项: every 前提 holds, exactly one other condition fails) mean
    /// anything: the policy has a 前提 and at least two other conditions. With one other
    /// condition a near miss is simply everyone in scope who does not qualify (高龄津贴: all
    /// residents under 80); without 前提 it is anyone failing one condition, 户籍 included.
    public var reportsNearMisses: Bool {
        hasPremises && conditions.filter { !$0.premise }.count >= 2
    }
}

/// `发放顺序 按 出生日期 升序`: a policy's granting order under its 预算, by one of its subject's
/// date or number fields; ties, and entities without the value (last), by entity id.
public struct GrantOrder: Sendable, Hashable {
    /// The canonical field name (`birth_date`).
    public var field: String
    /// As people read it (出生日期).
    public var label: String
    public var descending: Bool

    public init(field: String, label: String, descending: Bool) {
        self.field = field
        self.label = label
        self.descending = descending
    }

    /// 按 出生日期 升序.
    public var text: String { "按 \(label) \(descending ? "降序" : "升序")" }
}
