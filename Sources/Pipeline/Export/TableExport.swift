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

    /// Writes `<directory>/<table>.csv` for each table, `columns` by kind.
    public static func write(
        store: ProfileStore, directory: String, columns: [(DatasetKind, [FieldSpec])]
    ) throws -> [Written] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [Written] = []
        for (kind, specs) in columns {
            let path = (directory as NSString).appendingPathComponent("\(kind.rawValue).csv")
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            defer { try? handle.close() }
            var buffer = specs.map(\.name).joined(separator: ",") + "\n"
            var rows = 0
            try store.activeRows(kind, columns: specs.map(\.name)) { values in
                for (index, value) in values.enumerated() {
                    if index > 0 { buffer += "," }
                    buffer += cell(value, specs[index].type)
                }
                buffer += "\n"
                rows += 1
                if buffer.utf8.count >= 1 << 20 {
                    try handle.write(contentsOf: Data(buffer.utf8))
                    buffer = ""
                }
            }
            try handle.write(contentsOf: Data(buffer.utf8))
            written.append(Written(table: kind.rawValue, path: path, rows: rows))
        }
        return written
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
