/// One run as the ledger keeps it: what was evaluated, on which inputs and rules, and per
/// policy the counts, amounts and the compact blobs the results are rebuilt from.
public struct RunRecord: Sendable {
    /// Assigned when saved.
    public var id: Int64 = 0
    public var asOf: String
    public var startedAt: String
    public var finishedAt: String
    public var engine: String
    public var includeDrafts: Bool
    /// SHA-256 of the compiled rule set (of the evaluated policies' content hashes).
    public var rulesSHA256: String
    /// The latest import of each kind at the time of the run.
    public var inputs: [RunInput]
    /// SHA-256 of `results --all --format csv` of this run.
    public var resultsSHA256: String
    public var populations: [RunPopulation]
    public var policies: [RunPolicy]
    /// The run opened or rebound a review item for every unknown, in its own transaction (so a
    /// later run on the same inputs and rules may trust the items' bindings).
    public var reviewed = false

    public init(
        asOf: String, startedAt: String, finishedAt: String, engine: String, includeDrafts: Bool, rulesSHA256: String,
        inputs: [RunInput], resultsSHA256: String, populations: [RunPopulation], policies: [RunPolicy]
    ) {
        self.asOf = asOf
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.engine = engine
        self.includeDrafts = includeDrafts
        self.rulesSHA256 = rulesSHA256
        self.inputs = inputs
        self.resultsSHA256 = resultsSHA256
        self.populations = populations
        self.policies = policies
    }
}

public struct RunInput: Sendable, Codable, Hashable {
    public var kind: String
    public var importID: Int64
    public var sha256: String

    public init(kind: String, importID: Int64, sha256: String) {
        self.kind = kind
        self.importID = importID
        self.sha256 = sha256
    }
}

/// The ids of one subject's population, ascending; `sha256` names the list (kept once).
public struct RunPopulation: Sendable {
    public var subject: String
    public var ids: [String]
    public var sha256: String
    /// The ids joined by "\n" when the caller has built them already (for the hash): saving a
    /// new full list then writes these bytes instead of joining a million strings again.
    public var joinedIDs: [UInt8]?

    public init(subject: String, ids: [String], sha256: String, joinedIDs: [UInt8]? = nil) {
        self.subject = subject
        self.ids = ids
        self.sha256 = sha256
        self.joinedIDs = joinedIDs
    }
}

public struct RunPolicy: Sendable {
    public var policyID: String
    public var title: String
    public var subject: String
    /// The policy's content hash (as approvals use).
    public var sha256: String
    /// What explanations need of the policy as it was (JSON, written and read by the caller).
    public var metadata: String
    /// Per outcome code (eligible, ineligible, unknown, excluded, over_budget).
    public var counts: [String: Int]
    /// In 分, per outcome code (eligible, excluded, over_budget).
    public var amountsFen: [String: Int64]
    public var rows: [UInt8]
    public var conditions: [UInt8]

    public init(
        policyID: String, title: String, subject: String, sha256: String, metadata: String, counts: [String: Int],
        amountsFen: [String: Int64], rows: [UInt8], conditions: [UInt8]
    ) {
        self.policyID = policyID
        self.title = title
        self.subject = subject
        self.sha256 = sha256
        self.metadata = metadata
        self.counts = counts
        self.amountsFen = amountsFen
        self.rows = rows
        self.conditions = conditions
    }
}

/// A run as saved: its id, and what the same transaction did to review items and the grants ledger.
public struct SavedRun: Sendable {
    public var runID: Int64
    public var reviews: (opened: Int, changed: Int, reopened: Int)
    public var posted: PostingSummary?
}
