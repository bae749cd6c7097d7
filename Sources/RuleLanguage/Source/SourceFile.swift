public import Diagnostics

/// A rule file's text with its name, and the map from byte offsets to the line and column an
/// official sees (columns count characters, so a Chinese character is one column).
public struct SourceFile: Sendable {
    public let name: String
    public let text: String
    /// UTF-8 bytes of `text`, which the lexer scans.
    public let bytes: [UInt8]
    /// Byte offset where each line starts.
    private let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The location of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let prefix = bytes[start..<min(max(offset, start), bytes.count)]
        let column = String(decoding: prefix, as: UTF8.self).count + 1
        return SourceLocation(file: name, line: low + 1, column: column)
    }

    /// The offset of the first character of a line that is not a space or tab: where the
    /// statement on the line containing `offset` begins.
    public func statementStart(ofLineAt offset: Int) -> Int {
        var start = lineStarts.last { $0 <= offset } ?? 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        return start
    }

    /// The text of a byte range.
    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// How many characters a byte range spans (for caret length).
    public func characterCount(_ range: Range<Int>) -> Int {
        text(range).count
    }
}
