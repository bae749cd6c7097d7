public import Datasets

/// A quarantine entry as kept in the store, with the import that produced it.
public struct QuarantineEntryRecord: Sendable, Hashable {
    public var importID: Int64
    /// The kind the import was of, which tells how the field's value is masked.
    public var kind: DatasetKind?
    public var entry: QuarantineEntry

    public init(importID: Int64, kind: DatasetKind?, entry: QuarantineEntry) {
        self.importID = importID
        self.kind = kind
        self.entry = entry
    }
}
