/// A benefit: one entity's grant of one policy for one period, and who receives it.
public struct Benefit: Sendable {
    /// 受益编号: the application number's form, `<policy>-<period>-<hex>`.
    public var number: String
    public var policyID: String
    public var policyTitle: String
    public var entityID: String
    /// ONCE, 2025, 202512.
    public var period: String
    public var periodLabel: String
    public var payeeID: String

    public init(number: String, policyID: String, policyTitle: String, entityID: String, period: String, periodLabel: String, payeeID: String) {
        self.number = number
        self.policyID = policyID
        self.policyTitle = policyTitle
        self.entityID = entityID
        self.period = period
        self.periodLabel = periodLabel
        self.payeeID = payeeID
    }
}

/// What a run (or a completed application) grants: a benefit and its amount.
public struct GrantPosting: Sendable {
    public var benefit: Benefit
    /// 直接兑现 or 依申请.
    public var source: String
    public var applicationNumber: String?
    public var amountFen: Int64

    public init(benefit: Benefit, source: String, applicationNumber: String? = nil, amountFen: Int64) {
        self.benefit = benefit
        self.source = source
        self.applicationNumber = applicationNumber
        self.amountFen = amountFen
    }
}

/// A holder of a grant in an open period that a later run no longer finds eligible.
public struct GrantFlagging: Sendable {
    public var policyID: String
    public var entityID: String
    public var period: String
    /// The run's outcome code for it (ineligible, unknown, excluded, over_budget), or `absent`.
    public var outcome: String

    public init(policyID: String, entityID: String, period: String, outcome: String) {
        self.policyID = policyID
        self.entityID = entityID
        self.period = period
        self.outcome = outcome
    }
}

/// A (policy, period) a run posts to: recorded, so that an older run is refused afterwards.
public struct PostedPeriod: Sendable, Hashable {
    public var policyID: String
    public var period: String
    public var periodLabel: String

    public init(policyID: String, period: String, periodLabel: String) {
        self.policyID = policyID
        self.period = period
        self.periodLabel = periodLabel
    }
}

/// What one posting changed in the ledger.
/// What the ledger holds for one policy and period, seen from a population (`heldGrants`).
public struct HeldGrants: Sendable {
    /// Per entity of the population: its grant's net amount in fen; nil without a grant.
    public var net: [Int64?]
    /// Grants of entities not in the population (gone, or out of its scope).
    public var others: [(entityID: String, netFen: Int64)] = []
    /// Grants in all, and their net total in fen.
    public var count = 0
    public var totalFen: Int64 = 0
}

public struct PostingSummary: Sendable, Equatable {
    public var created = 0
    public var unchanged = 0
    /// 补发 entries written.
    public var topUps = 0
    /// 追回 entries written.
    public var clawbacks = 0
    public var flagged = 0
    /// Open flags closed because this run found the holder eligible again.
    public var resolved = 0
    /// Eligible entities not posted because their payee (户主 / 监护人) is unknown in the data.
    public var withoutPayee: [String] = []

    public init() {}
}

/// One ledger entry as listed and exported: its grant's benefit and the entry's own id.
public struct GrantEntryRow: Sendable {
    /// 发放编号: `<受益编号>-<seq>`; the id the finance office confirms.
    public var entryID: String
    public var benefit: Benefit
    public var source: String
    public var applicationNumber: String?
    /// 发放, 补发 or 追回.
    public var kind: String
    /// Signed: a 追回 is negative.
    public var amountFen: Int64
    public var runID: Int64?
    public var createdAt: String
    /// paid, failed, or nil while unconfirmed (the latest confirmation wins).
    public var payment: String?
    /// An open review flag on the grant: the outcome that raised it.
    public var flag: String?
}

/// Filters for `grants list` / `grants export`.
public struct GrantQuery: Sendable {
    public var period: String?
    public var policyID: String?
    public var flaggedOnly = false
    /// Leave out entries already confirmed paid (the payment file).
    public var unpaidOnly = false

    public init(period: String? = nil, policyID: String? = nil, flaggedOnly: Bool = false, unpaidOnly: Bool = false) {
        self.period = period
        self.policyID = policyID
        self.flaggedOnly = flaggedOnly
        self.unpaidOnly = unpaidOnly
    }
}

/// One line of a finance office's confirmation file.
public struct PaymentConfirmation: Sendable {
    public var entryID: String
    /// paid or failed.
    public var status: String
    public var time: String?
    public var note: String?
    public var file: String
    public var line: Int

    public init(entryID: String, status: String, time: String?, note: String?, file: String, line: Int) {
        self.entryID = entryID
        self.status = status
        self.time = time
        self.note = note
        self.file = file
        self.line = line
    }
}

/// What a run posts to the grants ledger, written with the run in one transaction.
public struct GrantPostings: Sendable {
    public var postings: [GrantPosting]
    /// Holders no longer eligible: a review flag each.
    public var flags: [GrantFlagging]
    /// Holders eligible again: their open flags resolved by the run.
    public var cleared: [GrantFlagging]
    /// The (policy, period) pairs the run posts (an older run than the latest posted is refused).
    public var periods: [PostedPeriod]

    public init(postings: [GrantPosting], flags: [GrantFlagging] = [], cleared: [GrantFlagging] = [], periods: [PostedPeriod] = []) {
        self.postings = postings
        self.flags = flags
        self.cleared = cleared
        self.periods = periods
    }
}
