public import Diagnostics

/// One manual review item (人工复核事项): an (entity, policy) a run left unknown, the hash of the
/// values the policy read for it, and — once decided — the outcome, amount, reason and reviewer.
public struct ReviewItem: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case open
        case decided

        public var label: String { self == .open ? "待复核" : "已决定" }
    }

    /// The outcome a reviewer decides, named as the engine names outcomes.
    public enum Outcome: String, Sendable, CaseIterable {
        case eligible
        case ineligible

        public var label: String { self == .eligible ? "符合" : "不符合" }
    }

    public var id: Int64
    public var policyID: String
    public var subject: String
    public var entityID: String
    public var inputsSHA256: String
    /// The fields whose values were missing, as people name them.
    public var missing: [String]
    /// Whether the policy grants an amount: an eligible decision then carries it (the engine
    /// computes no amount for an undecided case).
    public var needsAmount: Bool
    public var status: Status
    public var outcome: Outcome?
    /// The amount decided with an eligible outcome (in 分); nil for an ineligible one or a policy without amount.
    public var amountFen: Int64?
    public var reason: String?
    public var reviewer: String?
    public var decidedAt: String?
    public var openedRun: Int64
    /// The run that last opened, reopened or refreshed the item.
    public var lastRun: Int64
    public var openedAt: String

    public init(
        id: Int64, policyID: String, subject: String, entityID: String, inputsSHA256: String, missing: [String],
        needsAmount: Bool, status: Status, outcome: Outcome? = nil, amountFen: Int64? = nil, reason: String? = nil,
        reviewer: String? = nil, decidedAt: String? = nil, openedRun: Int64, lastRun: Int64, openedAt: String
    ) {
        self.id = id
        self.policyID = policyID
        self.subject = subject
        self.entityID = entityID
        self.inputsSHA256 = inputsSHA256
        self.missing = missing
        self.needsAmount = needsAmount
        self.status = status
        self.outcome = outcome
        self.amountFen = amountFen
        self.reason = reason
        self.reviewer = reviewer
        self.decidedAt = decidedAt
        self.openedRun = openedRun
        self.lastRun = lastRun
        self.openedAt = openedAt
    }
}

/// What a run reads of an item: enough to tell whether the inputs are the same and, if the item
/// is decided, what to report.
/// One policy's review items as a run needs them, in ascending entity id (the order of a run's
/// populations, so a run finds each unknown row's item by walking both lists once): the item,
/// the SHA-256 its inputs were bound to (32 bytes per item, one flat array) and its decision.
public struct PolicyReviewBindings: Sendable {
    public private(set) var entityIDs: [String] = []
    public private(set) var itemIDs: [Int64] = []
    /// 32 bytes per item.
    public private(set) var digests: [UInt8] = []
    /// Nil while the item is open.
    public private(set) var decided: [ReviewItem.Outcome?] = []
    public private(set) var amountFen: [Int64?] = []

    public init() {}

    public var count: Int { entityIDs.count }

    /// Appends an item; false (nothing appended) when `entityID` is not above the last one. A
    /// stored hash that is not 64 hex digits (a damaged row) is kept as 32 zero bytes, which no
    /// inputs hash to: the run binds the item to its current inputs (a decision reopens).
    @discardableResult
    public mutating func append(entityID: String, itemID: Int64, sha256: String, decided: ReviewItem.Outcome?, amountFen: Int64?) -> Bool {
        var hex = sha256
        return hex.withUTF8 { append(entityID: entityID, itemID: itemID, sha256: UnsafeRawBufferPointer($0), decided: decided, amountFen: amountFen) }
    }

    /// The same with the hash's hex digits as bytes (as SQLite hands them over).
    @discardableResult
    mutating func append(entityID: String, itemID: Int64, sha256 hex: UnsafeRawBufferPointer, decided: ReviewItem.Outcome?, amountFen: Int64?) -> Bool {
        guard entityIDs.last.map({ $0 < entityID }) ?? true else { return false }
        entityIDs.append(entityID)
        itemIDs.append(itemID)
        let start = digests.count
        digests.append(contentsOf: repeatElement(0, count: 32))
        if !Self.decode(hex: hex, into: &digests, at: start) {
            for k in start..<start + 32 { digests[k] = 0 }
        }
        self.decided.append(decided)
        self.amountFen.append(amountFen)
        return true
    }

    /// The same with the hash as its 32 bytes (a segment's entry).
    mutating func append(entityID: String, itemID: Int64, digest: ArraySlice<UInt8>, decided: ReviewItem.Outcome?, amountFen: Int64?) {
        guard entityIDs.last.map({ $0 < entityID }) ?? true, digest.count == 32 else { return }
        entityIDs.append(entityID)
        itemIDs.append(itemID)
        digests.append(contentsOf: digest)
        self.decided.append(decided)
        self.amountFen.append(amountFen)
    }

    /// Writes the 32 bytes of a SHA-256 given in 64 hex digits at `start`; false for anything else.
    private static func decode(hex: UnsafeRawBufferPointer, into bytes: inout [UInt8], at start: Int) -> Bool {
        guard hex.count == 64 else { return false }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        for k in 0..<32 {
            guard let high = nibble(hex[2 * k]), let low = nibble(hex[2 * k + 1]) else { return false }
            bytes[start + k] = high << 4 | low
        }
        return true
    }
}

/// An existing item a run binds to new inputs (an open item stays open; a decided one reopens,
/// its decision kept in the history). Items a run opens are `ReviewOpenings`.
public struct ReviewChange: Sendable {
    public var itemID: Int64
    public var inputsSHA256: String
    public var missing: [String]
    public var needsAmount: Bool

    public init(itemID: Int64, inputsSHA256: String, missing: [String], needsAmount: Bool) {
        self.itemID = itemID
        self.inputsSHA256 = inputsSHA256
        self.missing = missing
        self.needsAmount = needsAmount
    }
}

/// One entry of an item's history.
public struct ReviewEvent: Sendable {
    public var at: String
    /// opened, decided, reopened, inputs_changed
    public var action: String
    public var runID: Int64?
    public var reviewer: String?
    public var note: String?
}

/// A review command that cannot be done as asked (unknown item, wrong state).
public struct ReviewError: CategorizedError, CustomStringConvertible, Sendable {
    public var message: String
    public var category: ErrorCategory { .usage }

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    public static func noSuchItem(_ id: Int64) -> ReviewError {
        ReviewError("没有编号为 \(id) 的复核事项（review list --status all 列出全部）。")
    }
}
