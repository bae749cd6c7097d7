public import Datasets

/// A quarantine entry or a data-quality warning as kept in the store, with the import that
/// produced it.
public struct StoredRowIssue<Reason: RowIssueReason>: Sendable, Hashable {
    public var importID: Int64
    /// The kind the import was of, which tells how the field's value is masked.
    public var kind: DatasetKind?
    public var entry: RowIssue<Reason>

    public init(importID: Int64, kind: DatasetKind?, entry: RowIssue<Reason>) {
        self.importID = importID
        self.kind = kind
        self.entry = entry
    }
}

public typealias QuarantineEntryRecord = StoredRowIssue<ReasonCode>
public typealias DataWarningRecord = StoredRowIssue<WarningCode>
