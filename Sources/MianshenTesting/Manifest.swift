import Foundation

/// A bad fixture's manifest (`NAME.expected.csv`: line,field,reason_code), one entry per bad record.
public struct ManifestEntry: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var field: String
    public var reason: String

    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(line),\(field),\(reason)" }

    public static func load(_ path: String) throws -> [ManifestEntry] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let number = Int(parts[0]) else { return nil }
            return ManifestEntry(line: number, field: parts[1], reason: parts[2])
        }
    }
}
