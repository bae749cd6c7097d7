public import Datasets

/// What a reader yields for one record.
public enum SourceRecord: Sendable {
    /// A record whose cells are in the `cells` buffer, one per schema field.
    case row(line: Int)
    /// A record that could not even be split into fields (wrong column count, bad JSON…),
    /// with its key when it could still be read (a full extract must not retire that entity).
    case malformed(QuarantineEntry, key: String?)
    /// A record whose raw bytes a stored row already holds (see `RawRowLookup`): no cells were
    /// made. `slot` is the lookup's name for that stored row; `fingerprint` the stored row's
    /// `FieldValue.fingerprint(of:)`, which validating the record would have given.
    case unchanged(line: Int, slot: Int, fingerprint: Int64)
}

/// Asked by a source, for each record, whether a stored row already holds exactly these raw
/// bytes: `key` is the record's key cell as written, `raw` the record's raw fingerprint.
/// Returns the stored row's slot and value fingerprint when the row is active and was stored
/// from a record with this raw fingerprint and no warnings; nil sends the record down the
/// usual path. Asked in file order, by one thread: the asker may keep its place (tonight's file
/// is usually in yesterday's order, `StoredRowCursor`).
public typealias RawRowLookup = @Sendable (_ key: UnsafeRawBufferPointer, _ raw: Int64) -> (slot: Int, fingerprint: Int64)?

/// A reader of one data file in some format, yielding records as cells in schema order.
/// CSV today; JSON Lines and XML readers conform too.
public protocol RecordSource: AnyObject {
    /// The format's name in the import ledger (`csv`, `jsonl`, `xml`).
    var format: String { get }
    var encoding: String { get }
    /// Header cells that matched no schema field.
    var ignoredColumns: [String] { get }
    var bytesRead: Int { get }
    /// Reads the next record, appending a `.row` record's cells to `cells` as bytes, one per
    /// schema field (nothing for another record); nil at the end of the file.
    func next(into cells: inout ByteCells) throws -> SourceRecord?
    /// The raw fingerprint of the last `.row` record: a fixed-seed hash of its cells' bytes as
    /// the file wrote them, seeded with what gives them their meaning (see
    /// `enableRawFingerprints`); nil when the source keeps none (JSON Lines, XML).
    var rawFingerprint: Int64? { get }
    /// Starts computing raw fingerprints from `seed` (the caller's part: schema and division
    /// list digests; the source adds format, encoding and header), and with a `lookup`, yields
    /// `.unchanged` for records it recognises. False when the source cannot.
    func enableRawFingerprints(seed: RowHasher, lookup: RawRowLookup?) -> Bool
}

extension RecordSource {
    /// The same as strings: `cells` is filled with the record's cells (tests, tools).
    public func next(cells: inout [RawCell]) throws -> SourceRecord? {
        var bytes = ByteCells()
        let record = try next(into: &bytes)
        if case .row = record { cells = (0..<bytes.count).map(bytes.rawCell) }
        return record
    }

    public var rawFingerprint: Int64? { nil }
    public func enableRawFingerprints(seed: RowHasher, lookup: RawRowLookup?) -> Bool { false }
}
