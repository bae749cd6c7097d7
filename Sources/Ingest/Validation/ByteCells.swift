#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The cells of many records as bytes, one after another in schema order: what a reader
/// hands the validators. A CSV reader copies each cell's bytes as the file had them (no
/// string per cell: the reading thread is the import's narrowest stage, and making strings
/// there was half its time in perf); the validators check the UTF-8 and make the strings
/// they keep.
public struct ByteCells: Sendable {
    public enum Kind: UInt8, Sendable {
        /// The file has no column for this field: the value is unknown.
        case absent
        /// Bytes as the file had them, UTF-8 not yet checked.
        case text
        /// Bytes that could not be decoded, as their lossy rendering (a reader that decodes).
        case undecodable
    }

    /// Where one cell is in `bytes`, and what it is.
    public struct Span: Sendable {
        var start: Int
        var end: Int
        var kind: Kind
    }

    public private(set) var bytes: [UInt8] = []
    /// The cells, in order (one array, not three: the reading thread appends 18 per record).
    public private(set) var spans: [Span] = []

    public init() {}

    public var count: Int { spans.count }

    public mutating func reserve(cells: Int, bytes byteCount: Int) {
        bytes.reserveCapacity(byteCount)
        spans.reserveCapacity(cells)
    }

    public func range(_ index: Int) -> Range<Int> {
        spans[index].start..<spans[index].end
    }

    public func kind(_ index: Int) -> Kind {
        spans[index].kind
    }

    public mutating func appendAbsent() {
        spans.append(Span(start: bytes.count, end: bytes.count, kind: .absent))
    }

    public mutating func append(_ cell: UnsafeBufferPointer<UInt8>, kind: Kind = .text) {
        let start = bytes.count
        bytes.append(contentsOf: cell)
        spans.append(Span(start: start, end: bytes.count, kind: kind))
    }

    /// A record's bytes, copied once, and one cell per field: `columns[field]` is the record's
    /// cell for that field (nil: absent), cell j spanning `cellEnds[j-1] ..< cellEnds[j]`.
    public mutating func append(record: UnsafeBufferPointer<UInt8>, cellEnds: [Int], columns: [Int?]) {
        let base = bytes.count
        bytes.append(contentsOf: record)
        for column in columns {
            if let column {
                let start = base + (column == 0 ? 0 : cellEnds[column - 1])
                spans.append(Span(start: start, end: base + cellEnds[column], kind: .text))
            } else {
                spans.append(Span(start: base, end: base, kind: .absent))
            }
        }
    }

    /// A record's bytes, copied once, and one cell per field at `ranges[field]` in them.
    public mutating func append(record: UnsafeBufferPointer<UInt8>, ranges: ArraySlice<Range<Int>>) {
        let base = bytes.count
        bytes.append(contentsOf: record)
        for range in ranges {
            spans.append(Span(start: base + range.lowerBound, end: base + range.upperBound, kind: .text))
        }
    }

    /// A cell a decoding reader made.
    public mutating func append(_ cell: RawCell) {
        switch cell {
        case .absent: appendAbsent()
        case .text(var text): text.withUTF8 { append($0) }
        case .undecodable(var lossy): lossy.withUTF8 { append($0, kind: .undecodable) }
        }
    }

    /// Cell `index` as text: nil when absent or its bytes are not valid UTF-8.
    public func string(_ index: Int) -> String? {
        guard spans[index].kind == .text else { return nil }
        return bytes.withUnsafeBufferPointer { Self.string(UnsafeBufferPointer(rebasing: $0[range(index)])) }
    }

    /// Cell `index` as a decoding reader would have made it.
    public func rawCell(_ index: Int) -> RawCell {
        switch spans[index].kind {
        case .absent: .absent
        case .text: string(index).map(RawCell.text) ?? .undecodable(String(decoding: bytes[range(index)], as: UTF8.self))
        case .undecodable: .undecodable(String(decoding: bytes[range(index)], as: UTF8.self))
        }
    }

    /// The bytes as a string when they are valid UTF-8.
    static func string(_ cell: UnsafeBufferPointer<UInt8>) -> String? {
        // ASCII (most cells) needs no check: decoding cannot replace anything.
        if Self.isASCII(cell) { return String(decoding: cell, as: UTF8.self) }
        // `String(validating:)` is generic and unspecialised here (10 % of an import in perf).
        // `String(decoding:)` validates anyway and replaces what is invalid, so the bytes are
        // valid exactly when the result has the same bytes.
        var text = String(decoding: cell, as: UTF8.self)
        guard text.utf8.count == cell.count else { return nil }
        let same = text.withUTF8 { decoded in
            guard let a = decoded.baseAddress, let b = cell.baseAddress else { return false }
            return memcmp(a, b, cell.count) == 0
        }
        return same ? text : nil
    }

    /// Whether the bytes are valid UTF-8, as `string(_:)` tells (a text of up to 15 bytes, a
    /// name, is made inline: no allocation).
    @inline(__always)
    static func isValidUTF8(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        isASCII(cell) || string(cell) != nil
    }

    @inline(__always)
    static func isASCII(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for b in cell { any |= b }
        return any < 0x80
    }
}
