public import Datasets
public import Store

/// The outcome of `import`, for the terminal (Chinese) and for machines (JSON).
public struct ImportSummary: Sendable {
    public var kind: DatasetKind
    public var path: String
    /// The ledger entry written by this import; for a no-op, the earlier import it repeats.
    public var record: ImportRecord
    /// The same content was imported before: nothing was read or written.
    public var isNoOp: Bool
    public var ignoredColumns: [String]
    /// Quarantined rows by reason, most frequent first.
    public var reasons: [(reason: ReasonCode, count: Int)]
    public var maxBadRate: Double
    /// What an entity missing from a full extract of this kind is called (迁出/死亡…).
    public var schemaInactiveLabel: String
    /// Data-quality warnings by reason, most frequent first (rows imported all the same).
    public var warningReasons: [(reason: WarningCode, count: Int)] = []
    /// Imported rows whose division code is missing from 二七区's street list (the list may be stale).
    public var rowsWithUnknownDivision = 0
    /// The unlisted street codes seen most often (at most five), to check against the official list.
    public var unknownDivisionCodes: [(code: String, rows: Int)] = []
    /// Unchanged rows of a full extract whose record the store held byte for byte (same key,
    /// same raw fingerprint, no warnings): counted unchanged without being validated. Part of
    /// `record.counts.unchanged`; not kept in the ledger.
    public var unreadUnchanged = 0

    public var rejected: Bool { !isNoOp && record.status != .ok }

    public var badRate: Double {
        record.counts.rowsRead == 0 ? 0 : Double(record.counts.quarantined) / Double(record.counts.rowsRead)
    }
}
