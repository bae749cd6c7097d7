public import Diagnostics

/// A failure of the store itself: the database cannot be opened, written or migrated.
public struct StoreError: CategorizedError, CustomStringConvertible, Sendable {
    public var message: String
    public var category: ErrorCategory { .io }

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "数据库错误：\(message)" }
}
