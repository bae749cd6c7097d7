internal import Datasets

/// The SQL engines a script is written for. Everything the emitter writes is standard SQL
/// except what this type decides: text types, day differences and binary ordering of ids.
public enum SQLDialect: String, CaseIterable, Sendable {
    case duckdb, postgres, trino

    /// As people name it, for diagnostics and comments.
    public var label: String {
        switch self {
        case .duckdb: "DuckDB"
        case .postgres: "PostgreSQL"
        case .trino: "Trino"
        }
    }

    /// The type of text columns (codes, ids, enumerations).
    var textType: String { self == .postgres ? "TEXT" : "VARCHAR" }

    /// Days from `from` to `to` (negative when `to` is earlier), as an integer.
    func days(from: String, to: String) -> String {
        switch self {
        case .postgres: "(\(to) - \(from))"
        case .duckdb, .trino: "date_diff('day', \(from), \(to))"
        }
    }

    /// Text compared byte by byte, as the engine orders ids and policy ids (SQLite BINARY,
    /// Swift's `<` on ASCII): PostgreSQL's default collation follows the locale, so it is named.
    func binary(_ expression: String) -> String {
        self == .postgres ? "\(expression) COLLATE \"C\"" : expression
    }

    static func quote(_ identifier: String) -> String {
        "\"" + doubled(identifier, "\"") + "\""
    }

    static func text(_ value: String) -> String {
        "'" + doubled(value, "'") + "'"
    }

    /// `text` with every `mark` written twice (SQL's escape inside quotes).
    private static func doubled(_ text: String, _ mark: Character) -> String {
        String(text.flatMap { $0 == mark ? [mark, mark] : [$0] })
    }

    /// Text inside a `/* … */` comment.
    static func comment(_ text: String) -> String {
        String(text.flatMap { $0 == "*" ? ["＊"] : [$0] })
    }

    static func date(_ day: Day) -> String { "DATE '\(day)'" }
}
