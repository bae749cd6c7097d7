public import Datasets
internal import Foundation
public import Store

/// `mianshen export`: the store's active records as one CSV per table, in the columns and types
/// of `rules sql --ddl` (header = column names; empty cell = NULL; dates ISO; 是/否 as
/// true/false; decimals with their scale), loadable with `COPY t FROM 'f' (HEADER)` in DuckDB
/// and `\copy t FROM 'f' CSV HEADER` in PostgreSQL.
public enum TableExport {
    public struct Written: Sendable {
        public var table: String
        public var path: String
        public var rows: Int
    }

    /// The ledger's table: every grant with the net of its entries in 元 (what the budgets of
    /// `rules sql` start from for the run's period).
    public static let grantsHeldTable = "grants_held"

    /// Writes `<directory>/<table>.csv` for each table, `columns` by kind, then
    /// `<directory>/grants_held.csv` (policy_id, period, entity_id, net_amount).
    public static func write(
        store: ProfileStore, directory: String, columns: [(DatasetKind, [FieldSpec])]
    ) throws -> [Written] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [Written] = []
        for (kind, specs) in columns {
            written.append(try file(directory, kind.rawValue, header: specs.map(\.name)) { emit in
                try store.activeRows(kind, columns: specs.map(\.name)) { values in
                    try emit(values.enumerated().map { index, value in cell(value, specs[index].type) })
                }
            })
        }
        written.append(try file(directory, grantsHeldTable, header: ["policy_id", "period", "entity_id", "net_amount"]) { emit in
            try store.netGrants { grant in
                try emit([
                    cell(.text(grant.policyID), .text), cell(.text(grant.period), .text), cell(.text(grant.entityID), .text),
                    ScaledDecimal(units: grant.netFen, scale: 2).description,
                ])
            }
        })
        return written
    }

    /// `<directory>/<table>.csv`: the header, then each row `rows` emits (cells already written),
    /// flushed by the megabyte.
    private static func file(
        _ directory: String, _ table: String, header: [String], rows: ((([String]) throws -> Void)) throws -> Void
    ) throws -> Written {
        let path = (directory as NSString).appendingPathComponent("\(table).csv")
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var buffer = header.joined(separator: ",") + "\n"
        var count = 0
        try rows { cells in
            buffer += cells.joined(separator: ",") + "\n"
            count += 1
            if buffer.utf8.count >= 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        return Written(table: table, path: path, rows: count)
    }

    /// One CSV cell: empty for NULL; text quoted when it holds a comma, quote or line break.
    static func cell(_ value: FieldValue, _ type: FieldType) -> String {
        switch value {
        case .null: return ""
        case .integer(let i): return String(i)
        case .decimal(let units): return ScaledDecimal(units: units, scale: type.scale ?? 0).description
        case .date(let day): return day.description
        case .bool(let b): return b ? "true" : "false"
        case .text(let text):
            guard text.isEmpty || text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
