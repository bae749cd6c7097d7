#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// One CSV record: its fields, unquoted and unescaped, packed into one reusable byte buffer.
///
/// The reader refills the same record for every row, so reading a million rows allocates
/// nothing per row; callers turn the cells they need into strings.
public struct CSVRecord: Sendable {
    /// The physical line where the record starts (the header is line 1).
    public internal(set) var startLine = 0
    public internal(set) var bytes: [UInt8] = []
    /// End offset in `bytes` of each field; field i spans `ends[i-1]..<ends[i]`.
    public internal(set) var ends: [Int] = []
    /// The field (0-based) whose opening quote did not close on the record's first physical
    /// line, so the record runs on past it; nil for a record on one line. When such a record
    /// has the wrong number of fields, the reader can resume at its second line
    /// (`CSVReader.resumeAfterFirstLine`): a stray quote then costs one line, not the file.
    public internal(set) var openQuoteField: Int?

    public init() {}

    /// Builds a record from cells (for tests and other readers).
    public init(startLine: Int, cells: [String]) {
        self.startLine = startLine
        for cell in cells {
            bytes.append(contentsOf: cell.utf8)
            ends.append(bytes.count)
        }
    }

    public var count: Int { ends.count }

    public func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// The cell as text, or nil when its bytes are not valid UTF-8.
    public func string(_ index: Int) -> String? {
        let r = range(index)
        return bytes.withUnsafeBufferPointer { all in
            let cell = UnsafeBufferPointer(rebasing: all[r])
            // `String(validating:)` is generic and unspecialised here (10 % of an import in
            // perf). `String(decoding:)` validates anyway and replaces what is invalid, so the
            // bytes are valid exactly when the result has the same bytes (a memcmp, cheaper
            // than validating twice: 4.4 % → see the commit for the figures).
            let text = String(decoding: cell, as: UTF8.self)
            guard text.utf8.count == cell.count else { return nil }
            if cell.isEmpty { return text }
            var copy = text
            let same = copy.withUTF8 { decoded in
                guard let a = decoded.baseAddress, let b = cell.baseAddress else { return false }
                return memcmp(a, b, cell.count) == 0
            }
            return same ? text : nil
        }
    }

    /// The cell with undecodable bytes replaced by U+FFFD, for messages.
    public func lossyString(_ index: Int) -> String {
        String(decoding: bytes[range(index)], as: UTF8.self)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        openQuoteField = nil
    }
}
