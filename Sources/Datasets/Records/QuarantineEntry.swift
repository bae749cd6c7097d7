/// What a reason code is: a stable snake_case raw value and a Chinese label.
public protocol RowIssueReason: RawRepresentable, Hashable, Sendable where RawValue == String {
    var label: String { get }
}

extension ReasonCode: RowIssueReason {}
extension WarningCode: RowIssueReason {}

/// Something wrong with one row, and why: file, line, field, value, reason, message. A
/// `QuarantineEntry` is a row that was not imported; a `DataWarning` is a row that was imported
/// with a value a hand-kept list does not know. Both are listed with the same columns.
public struct RowIssue<Reason: RowIssueReason>: Hashable, Sendable {
    /// The path as given to `import`.
    public var file: String
    /// The physical line where the record starts (the header is line 1).
    public var line: Int
    /// Canonical field name; empty when the problem is the whole record (wrong_column_count).
    public var field: String
    public var reason: Reason
    /// The offending cell as read (unmasked here; masked when shown).
    public var value: String
    /// A Chinese sentence saying what is wrong and what was expected (or done).
    public var message: String

    public init(file: String, line: Int, field: String, reason: Reason, value: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        self.value = value
        self.message = message
    }
}

/// A record that was not imported, and why.
public typealias QuarantineEntry = RowIssue<ReasonCode>

/// A record that was imported and stored, with a value a hand-kept list (二七区's streets,
/// industry divisions, licence types) does not know; never a reason to reject the row.
public typealias DataWarning = RowIssue<WarningCode>

/// A file-level error that also belongs in quarantine (a malformed XML document at line:column),
/// so people find it where they look for bad rows.
public protocol QuarantinableError: Error {
    var quarantineEntry: QuarantineEntry? { get }
}
