/// A record that was not imported, and why: file, line, field, value, reason.
public struct QuarantineEntry: Hashable, Sendable {
    /// The path as given to `import`.
    public var file: String
    /// The physical line where the record starts (the header is line 1).
    public var line: Int
    /// Canonical field name; empty when the problem is the whole record (wrong_column_count).
    public var field: String
    public var reason: ReasonCode
    /// The offending cell as read (unmasked here; masked when shown).
    public var value: String
    /// A Chinese sentence saying what is wrong and what was expected.
    public var message: String

    public init(file: String, line: Int, field: String, reason: ReasonCode, value: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        self.value = value
        self.message = message
    }
}

/// A file-level error that also belongs in quarantine (a malformed XML document at line:column),
/// so people find it where they look for bad rows.
public protocol QuarantinableError: Error {
    var quarantineEntry: QuarantineEntry? { get }
}
