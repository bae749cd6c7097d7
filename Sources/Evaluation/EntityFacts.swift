public import Datasets
public import Foundation

/// Everything the reference evaluator knows about one entity: its own fields (canonical
/// names; a missing or `.null` field is unknown) and its related records.
public struct EntityFacts: Sendable {
    public var fields: [String: FieldValue]
    /// Household members (residents) and licences, each record by canonical field name. A kind
    /// without an entry is missing data (e.g. licences never imported): aggregates over it and
    /// 持有有效证照 are unknown; an empty list is known to be empty.
    public var related: [DatasetKind: [[String: FieldValue]]]

    public init(fields: [String: FieldValue], related: [DatasetKind: [[String: FieldValue]]] = [:]) {
        self.fields = fields
        self.related = related
    }
}

/// Three-valued truth: missing data makes a condition unknown, never false.
public enum Truth: String, Sendable, Hashable {
    case yes = "是"
    case no = "否"
    case unknown = "未知"
}

/// The decision for one entity and one policy, with every condition's value and inputs.
public struct PolicyEvaluation: Sendable {
    public enum Outcome: String, Sendable {
        case eligible = "符合"
        case ineligible = "不符合"
        /// No condition failed but one could not be decided: goes to manual review.
        case unknown = "待人工复核"
    }

    public struct ConditionResult: Sendable {
        public var name: String
        public var label: String
        public var basis: String?
        public var value: Truth
        /// The fields the condition read, with the values seen (empty: unknown).
        public var inputs: [(field: String, value: String)]
        /// A 前提 of the policy; the validity window counts as one (outside it nobody is a near miss).
        public var premise = false
        /// For an unknown condition, the lookup-table values it met that no row lists (explaining only).
        public var unlisted: [UnlistedKey] = []
    }

    /// The synthetic conditions the evaluator adds: the validity window, and “the amount can be
    /// computed” (only when it cannot, which sends an eligible case to manual review).
    public static let validityCondition = "有效期"
    public static let amountCondition = "金额"

    /// The validity window's label: 在政策有效期内（2025-01-01 至 2027-12-31）.
    public static func validityLabel(_ validity: (from: Day, to: Day)) -> String {
        "在政策有效期内（\(validity.from) 至 \(validity.to)）"
    }

    public var policy: String
    public var outcome: Outcome
    /// In 元, rounded to the fen (四舍五入); nil unless eligible with a known amount. Kept as a
    /// number so tallies add it up without formatting and parsing text per entity.
    public var amountValue: Decimal?
    public var conditions: [ConditionResult]

    /// The amount as people read it, e.g. 892.50.
    public var amount: String? { amountValue.map(ReferenceEvaluator.yuan) }
}

extension PolicyEvaluation.ConditionResult {
    /// A condition's value decided elsewhere (a stored run's bitsets), with the inputs read now.
    public static func decided(
        name: String, label: String, basis: String?, value: Truth, inputs: [(field: String, value: String)], premise: Bool,
        unlisted: [UnlistedKey] = []
    ) -> Self {
        Self(name: name, label: label, basis: basis, value: value, inputs: inputs, premise: premise, unlisted: unlisted)
    }
}
