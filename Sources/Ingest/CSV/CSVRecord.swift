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
        return bytes.withUnsafeBufferPointer { ByteCells.string(UnsafeBufferPointer(rebasing: $0[r])) }
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
