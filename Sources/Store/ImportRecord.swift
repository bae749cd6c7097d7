public import Datasets

/// The counts an import produces.
public struct ImportCounts: Sendable, Hashable, Codable {
    public var rowsRead = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var quarantined = 0
    /// Entities absent from a full extract, now marked inactive.
    public var deactivated = 0
    /// Data-quality warnings on imported rows (never counted as bad rows).
    public var warnings = 0

    public init() {}
}

/// One entry of the import ledger: which file (by path, size and SHA-256), how it was read,
/// when, and what came of it.
public struct ImportRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Codable {
        case running
        case ok
        case rejected
    }

    public var id: Int64
    public var path: String
    public var size: Int64
    public var sha256: String
    public var kind: String
    public var format: String
    public var encoding: String
    public var full: Bool
    public var startedAt: String
    public var finishedAt: String?
    public var counts: ImportCounts
    public var status: Status
    public var message: String?
}

/// What is known about a file before it is read.
public struct ImportStart: Sendable {
    public var path: String
    public var size: Int64
    public var sha256: String
    public var kind: String
    public var format: String
    public var encoding: String
    /// The file is the complete current population of its kind (`import --full`).
    public var full: Bool

    public init(
        path: String, size: Int64, sha256: String, kind: String, format: String, encoding: String, full: Bool = false
    ) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.kind = kind
        self.format = format
        self.encoding = encoding
        self.full = full
    }
}

/// How an import ended, decided by the pipeline once every row was read.
public struct ImportDecision: Sendable {
    public var accepted: Bool
    public var counts: ImportCounts
    public var quarantine: [QuarantineEntry]
    /// Rows stored with a value a hand-kept list does not know; kept even when the import is rejected.
    public var warnings: [DataWarning]
    public var message: String?

    public init(
        accepted: Bool, counts: ImportCounts, quarantine: [QuarantineEntry], warnings: [DataWarning] = [], message: String?
    ) {
        self.accepted = accepted
        self.counts = counts
        self.quarantine = quarantine
        self.warnings = warnings
        self.message = message
    }
}
