public import Datasets

/// What a reader yields for one record.
public enum SourceRecord: Sendable {
    /// A record whose cells are in the `cells` buffer, one per schema field.
    case row(line: Int)
    /// A record that could not even be split into fields (wrong column count, bad JSON…),
    /// with its key when it could still be read (a full extract must not retire that entity).
    case malformed(QuarantineEntry, key: String?)
}

/// A reader of one data file in some format, yielding records as cells in schema order.
/// CSV today; JSON Lines and XML readers conform too.
public protocol RecordSource: AnyObject {
    /// The format's name in the import ledger (`csv`, `jsonl`, `xml`).
    var format: String { get }
    var encoding: String { get }
    /// Header cells that matched no schema field.
    var ignoredColumns: [String] { get }
    var bytesRead: Int { get }
    /// Reads the next record, filling `cells`; nil at the end of the file.
    func next(cells: inout [RawCell]) throws -> SourceRecord?
}
