public import Datasets

/// What one evaluation of every policy over the whole population decided: the contract between
/// whatever computes it (the columnar engine; the reference evaluator run entity by entity, as
/// the oracle) and whatever stores, exports, explains or compares it. Arrays are indexed by the
/// entity's position in its subject's population; nothing here is a string per row.
public struct BatchResult: Sendable {
    public var asOf: Day
    /// One population per subject evaluated (居民, 家庭, 企业).
    public var populations: [String: BatchPopulation]
    /// In the order of the policies given to the evaluation.
    public var policies: [PolicyBatch]

    public init(asOf: Day, populations: [String: BatchPopulation], policies: [PolicyBatch]) {
        self.asOf = asOf
        self.populations = populations
        self.policies = policies
    }
}

/// The active entities of one subject, in ascending order of their id (the order results are
/// exported in, so that any way of computing them gives the same bytes).
public struct BatchPopulation: Sendable, Equatable {
    /// 居民, 家庭 or 企业.
    public var subject: String
    /// 身份证号 for 居民, 户号 (household_id) for 家庭, 统一社会信用代码 for 企业; ascending.
    public var ids: [String]
    /// `ids` as bytes, when the columns came with them (not part of equality: the same ids).
    public var idBytes: IDBytes?

    public init(subject: String, ids: [String], idBytes: IDBytes? = nil) {
        self.subject = subject
        self.ids = ids
        self.idBytes = idBytes.flatMap { $0.count == ids.count ? $0 : nil }
    }

    public var count: Int { ids.count }

    /// The ids as bytes: those the columns came with, else made from `ids`.
    public var bytes: IDBytes { idBytes ?? IDBytes(ids) }

    public static func == (lhs: BatchPopulation, rhs: BatchPopulation) -> Bool {
        lhs.subject == rhs.subject && lhs.ids == rhs.ids
    }
}

/// The outcome of one (entity, policy): the codes of the results contract.
public enum BatchOutcome: UInt8, Sendable, CaseIterable, Hashable {
    case ineligible = 0
    case eligible = 1
    /// A needed value is missing: manual review (the missing fields are named in explanations).
    case unknown = 2
    /// Eligible, but a higher-ranked policy of its 互斥组 is granted instead.
    case excluded = 3
    /// Eligible, but the policy's yearly budget is spent (in the policy's granting order).
    case overBudget = 4

    /// The CSV code (`results --format csv`).
    public var code: String {
        switch self {
        case .ineligible: "ineligible"
        case .eligible: "eligible"
        case .unknown: "unknown"
        case .excluded: "excluded"
        case .overBudget: "over_budget"
        }
    }

    /// For tables and explanations.
    public var label: String {
        switch self {
        case .ineligible: "不符合"
        case .eligible: "符合"
        case .unknown: "待人工复核"
        case .excluded: "互斥未享"
        case .overBudget: "超出预算"
        }
    }
}

/// One policy over its subject's population.
public struct PolicyBatch: Sendable {
    public var policyID: String
    /// 居民, 家庭 or 企业: which population the arrays are indexed by.
    public var subject: String
    public var outcomes: [BatchOutcome]
    /// In 分 (元 × 100, rounded half up to the fen), for eligible, excluded and over_budget
    /// entities (what the policy would grant them); 0 elsewhere.
    public var amountFen: [Int64]
    /// Every condition in the order `PolicyEvaluation` lists them (the validity window first when
    /// the policy has one, then the policy's conditions), as Kleene pairs; the synthetic
    /// “amount can be computed” condition is `amountKnown`.
    public var conditions: [ConditionBits]
    /// False where every condition holds but the amount needs a missing value (→ unknown).
    public var amountKnown: Bitset

    public init(policyID: String, subject: String, outcomes: [BatchOutcome], amountFen: [Int64], conditions: [ConditionBits], amountKnown: Bitset) {
        self.policyID = policyID
        self.subject = subject
        self.outcomes = outcomes
        self.amountFen = amountFen
        self.conditions = conditions
        self.amountKnown = amountKnown
    }
}

/// A condition's value for every entity: three-valued as two bitsets (Arrow's validity + values).
/// Where `known` is clear, `truth` is clear too (so equal results have equal bits).
public struct ConditionBits: Sendable, Equatable {
    public var name: String
    public var known: Bitset
    public var truth: Bitset

    public init(name: String, known: Bitset, truth: Bitset) {
        self.name = name
        self.known = known
        self.truth = truth
    }

    public func value(at index: Int) -> Truth {
        known[index] ? (truth[index] ? .yes : .no) : .unknown
    }
}

/// A fixed number of bits, 64 per word; bits past `count` are always clear.
public struct Bitset: Sendable, Equatable, Hashable {
    public private(set) var words: [UInt64]
    public let count: Int

    public init(count: Int, filled: Bool = false) {
        self.count = count
        let wordCount = (count + 63) / 64
        words = Array(repeating: filled ? ~0 : 0, count: wordCount)
        if filled { clearTail() }
    }

    public init(count: Int, words: [UInt64]) {
        precondition(words.count == (count + 63) / 64, "Bitset: \(words.count) words cannot hold \(count) bits")
        self.count = count
        self.words = words
        clearTail()
    }

    public subscript(index: Int) -> Bool {
        get { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }
        set {
            if newValue { words[index >> 6] |= 1 << UInt64(index & 63) } else { words[index >> 6] &= ~(1 << UInt64(index & 63)) }
        }
    }

    /// How many bits are set.
    public var cardinality: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    private mutating func clearTail() {
        let extra = count & 63
        if extra != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(extra)) - 1 }
    }
}
