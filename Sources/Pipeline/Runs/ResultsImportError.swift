public import Diagnostics

/// A results file that does not match the contract: where (file:line) and why, in Chinese.
/// Nothing of the file is imported (exit 65: the whole file is refused).
public struct ResultsImportError: CategorizedError, CustomStringConvertible, Sendable {
    public var path: String
    public var line: Int
    public var message: String

    public var category: ErrorCategory { .dataFormat }
    public var description: String { "\(path):\(line)：\(message)" }
}
