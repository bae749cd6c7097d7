/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable {
    case error
    case warning
    case note

    /// The word printed before the message, in Chinese for officials.
    public var label: String {
        switch self {
        case .error: "错误"
        case .warning: "警告"
        case .note: "提示"
        }
    }
}

/// One problem found in a source: where, what (a stable code and a Chinese message),
/// and how to fix it. Stages record diagnostics; they never print them.
public struct Diagnostic: Hashable, Sendable {
    public var severity: Severity
    /// A stable identifier such as `E001` or `schema_unknown_type`; documented, never reworded.
    public var code: String
    public var message: String
    public var location: SourceLocation
    /// How many characters the caret underlines (at least one).
    public var length: Int
    public var suggestion: String?

    public init(
        severity: Severity = .error,
        code: String,
        message: String,
        location: SourceLocation,
        length: Int = 1,
        suggestion: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.length = max(1, length)
        self.suggestion = suggestion
    }
}

/// Collects diagnostics from one stage, capped so a hopeless file does not flood the screen.
public struct DiagnosticBag: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []
    public let limit: Int
    public private(set) var dropped = 0

    public init(limit: Int = 100) {
        self.limit = limit
    }

    public mutating func add(_ diagnostic: Diagnostic) {
        if diagnostics.count < limit {
            diagnostics.append(diagnostic)
        } else {
            dropped += 1
        }
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The diagnostics sorted by position, as they should be shown.
    public var sorted: [Diagnostic] {
        diagnostics.sorted { $0.location < $1.location }
    }
}
