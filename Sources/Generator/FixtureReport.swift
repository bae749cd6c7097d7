public import Datasets

/// One row of `bad_rows.csv`: a record the generator corrupted and what the importer must report.
public struct CorruptedRow: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The data file's name, e.g. `residents.csv`.
    public var file: String
    /// The physical line of the record (see `FixtureFormat.line(ofRecord:)`).
    public var line: Int
    /// The canonical field name; empty for record-level problems (wrong_column_count, bad_json).
    public var field: String
    public var reason: ReasonCode

    public init(file: String, line: Int, field: String, reason: ReasonCode) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    /// The manifest's CSV line.
    public var description: String { "\(file),\(line),\(field),\(reason.rawValue)" }

    public static func < (lhs: CorruptedRow, rhs: CorruptedRow) -> Bool {
        if lhs.file != rhs.file { return Array(lhs.file.utf8).lexicographicallyPrecedes(Array(rhs.file.utf8)) }
        return lhs.line < rhs.line
    }
}

/// A file the generator wrote.
public struct WrittenFile: Hashable, Sendable {
    /// nil for the manifest.
    public var kind: DatasetKind?
    public var name: String
    public var path: String
    /// Data records (not lines); for the manifest, its entries.
    public var records: Int
    public var bytes: Int
}

/// How often an optional field was left empty, for checking the share of unknowns.
public struct MissingRate: Hashable, Sendable {
    public var kind: DatasetKind
    public var field: String
    public var label: String
    /// What empty means: 未知, or the schema's stated value (无残疾, 长期有效…).
    public var meaning: String
    public var empty: Int
    public var total: Int

    public var rate: Double { total == 0 ? 0 : Double(empty) / Double(total) }
}

/// What one generation produced.
public struct FixtureReport: Sendable {
    public var options: FixtureOptions
    /// residents, enterprises, licences, then bad_rows.csv.
    public var files: [WrittenFile]
    /// Sorted by file name, then line.
    public var corrupted: [CorruptedRow]
    /// Every optional field of each kind, in schema order.
    public var missing: [MissingRate]

    /// Corrupted records per file and reason, in file order then reason code order.
    public var corruptionCounts: [(file: String, reason: ReasonCode, count: Int)] {
        var result: [(file: String, reason: ReasonCode, count: Int)] = []
        for file in files where file.kind != nil {
            for reason in ReasonCode.allCases {
                let n = corrupted.reduce(0) { $0 + ($1.file == file.name && $1.reason == reason ? 1 : 0) }
                if n > 0 { result.append((file.name, reason, n)) }
            }
        }
        return result
    }
}
