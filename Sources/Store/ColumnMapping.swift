internal import Datasets
internal import Foundation
internal import GRDB

/// How each field type sits in SQLite: typed columns, never JSON blobs.
/// Text-like codes as TEXT; integers, 是/否 (0/1) and exact decimals (integer units of
/// 10^-scale, e.g. 分 for 元) as INTEGER; dates as ISO `YYYY-MM-DD` TEXT.
enum ColumnMapping {
    static func sqlType(_ type: FieldType) -> String {
        switch type {
        case .integer, .bool, .decimal: "INTEGER"
        default: "TEXT"
        }
    }

    static func databaseValue(_ value: FieldValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .text(let s): s.databaseValue
        case .integer(let i): i.databaseValue
        case .decimal(let units): units.databaseValue
        case .date(let day): day.description.databaseValue
        case .bool(let b): (b ? 1 : 0).databaseValue
        }
    }

    /// The text SQLite hands back for a stored value (`sqlite3_column_text`, as `databaseValue`
    /// stores it); nil for NULL. For reading written values back without asking SQLite.
    static func storedText(_ value: FieldValue) -> String? {
        switch value {
        case .null: nil
        case .text(let text): text
        case .integer(let i), .decimal(let i): String(i)
        case .bool(let b): b ? "1" : "0"
        case .date(let day): day.description
        }
    }

    static func fieldValue(_ value: DatabaseValue, type: FieldType) -> FieldValue {
        switch value.storage {
        case .null: return .null
        case .int64(let i):
            switch type {
            case .bool: return .bool(i != 0)
            case .decimal: return .decimal(i)
            case .integer: return .integer(i)
            default: return .text(String(i))
            }
        case .string(let s):
            if case .date = type, let day = Day.parse(s) { return .date(day) }
            return .text(s)
        case .double(let d): return .text(String(d))
        case .blob: return .text("<blob>")
        }
    }

    /// Quotes an identifier from a schema file for SQL.
    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension FlatValues {
    /// Cell `index` as `ColumnMapping.storedText` texts it, as UTF-8 bytes (nil for NULL): a text
    /// cell read where the batch holds it.
    func withStoredText<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        switch tag(at: index) {
        case .null: return try body(nil)
        case .text: return try withText(at: index) { try body($0) } ?? body(nil)
        default: return try (ColumnMapping.storedText(self[index]) ?? "").withUTF8Bytes { try body($0) }
        }
    }
}
