/// A batch's typed values, flat and without a reference per cell: a fixed-size `Cell` each,
/// and the texts' UTF-8 bytes back to back in one buffer. What an import's stages hand each
/// other (validating threads → sequencer → writer → engine columns) instead of `[FieldValue]`,
/// whose text cells were a `String` each: two heap strings per resident (身份证号 18 bytes,
/// 户号 16 bytes; shorter ones are stored inline) made by one thread, retained and released by
/// the writer as it bound them (an atomic on a cache line the other core last wrote) and freed
/// by a third. Here a batch is two arrays: built, moved, read and freed whole.
///
/// `self[i]` gives a cell back as its `FieldValue` (a `String` made for a text cell: for the
/// import's cold paths, a changed row of a night, a message); the hot paths read a text's
/// bytes where they are (`withText`).
public struct FlatValues: Sendable {
    public enum Tag: UInt8, Sendable {
        case null, text, integer, decimal, date, bool
    }

    /// One value: its tag and 64 bits (integer, decimal units, days since the epoch, 0/1 for
    /// a bool, or where a text starts in `bytes` with `length` its byte count).
    public struct Cell: Sendable {
        public var payload: Int64
        public var length: UInt32
        public var tag: Tag

        @inlinable @inline(__always)
        init(_ tag: Tag, _ payload: Int64, length: UInt32 = 0) {
            self.payload = payload
            self.length = length
            self.tag = tag
        }
    }

    /// The cells and the texts' bytes. The hot accessors are inlinable: the import's loops in
    /// other modules read cells one at a time, and called across the module boundary (a generic
    /// `withText` unspecialised) the first load took 1.2–1.5 s more CPU than with `[FieldValue]`.
    @usableFromInline var cellStore: [Cell] = []
    @usableFromInline var byteStore: [UInt8] = []

    public var cells: [Cell] { cellStore }
    /// Every text cell's bytes, in cell order.
    public var bytes: [UInt8] { byteStore }

    public init() {}

    /// The values of `values`, in order.
    public init(_ values: some Sequence<FieldValue>) {
        for value in values { append(value) }
    }

    @inlinable public var count: Int { cellStore.count }

    public mutating func reserveCapacity(cells count: Int, bytes byteCount: Int) {
        cellStore.reserveCapacity(count)
        byteStore.reserveCapacity(byteCount)
    }

    @inlinable
    public mutating func append(_ value: FieldValue) {
        switch value {
        case .null: cellStore.append(Cell(.null, 0))
        case .text(let text): text.withUTF8Bytes { appendText($0) }
        case .integer(let i): cellStore.append(Cell(.integer, i))
        case .decimal(let units): cellStore.append(Cell(.decimal, units))
        case .date(let day): cellStore.append(Cell(.date, Int64(day.daysSinceEpoch)))
        case .bool(let b): cellStore.append(Cell(.bool, b ? 1 : 0))
        }
    }

    /// Appends a text cell of these UTF-8 bytes (valid UTF-8: the caller checked).
    @inlinable @inline(__always)
    public mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) {
        cellStore.append(Cell(.text, Int64(byteStore.count), length: UInt32(text.count)))
        byteStore.append(contentsOf: text)
    }

    /// Appends cells `range` of `other`.
    public mutating func append(contentsOf other: FlatValues, _ range: Range<Int>) {
        for i in range {
            let cell = other.cellStore[i]
            if cell.tag == .text {
                other.withText(at: i) { appendText($0) }
            } else {
                cellStore.append(cell)
            }
        }
    }

    /// Drops the cells from `index` on (a row found bad after some of its cells were appended).
    public mutating func removeCells(from index: Int) {
        guard index < cellStore.count else { return }
        if let text = cellStore[index...].first(where: { $0.tag == .text }) {
            byteStore.removeSubrange(Int(text.payload)...)
        }
        cellStore.removeSubrange(index...)
    }

    public mutating func removeLast() { removeCells(from: cellStore.count - 1) }

    @inlinable @inline(__always)
    public func tag(at index: Int) -> Tag { cellStore[index].tag }

    @inlinable
    public func isNull(at index: Int) -> Bool { cellStore[index].tag == .null }

    /// Cell `index` as a `FieldValue`.
    @inlinable
    public subscript(index: Int) -> FieldValue {
        let cell = cellStore[index]
        switch cell.tag {
        case .null: return .null
        case .text: return withText(at: index) { .text(String(decoding: $0, as: UTF8.self)) } ?? .null
        case .integer: return .integer(cell.payload)
        case .decimal: return .decimal(cell.payload)
        case .date: return .date(Day(daysSinceEpoch: Int32(truncatingIfNeeded: cell.payload)))
        case .bool: return .bool(cell.payload != 0)
        }
    }

    /// The bytes of text cell `index` (nil, `body` not called, for any other cell).
    @inlinable @inline(__always)
    public func withText<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        let cell = cellStore[index]
        guard cell.tag == .text else { return nil }
        return try byteStore.withUnsafeBufferPointer { all in
            let start = Int(cell.payload)
            return try body(UnsafeBufferPointer(rebasing: all[start..<(start + Int(cell.length))]))
        }
    }

    /// Cells `range` as `FieldValue`s.
    public func values(_ range: Range<Int>) -> [FieldValue] {
        range.map { self[$0] }
    }

    /// `FieldValue.fingerprint(of:)` of cells `range`, the same number, with no `String` made.
    public func fingerprint(in range: Range<Int>) -> Int64 {
        var hasher = RowHasher()
        byteStore.withUnsafeBufferPointer { all in
            for index in range {
                let cell = cellStore[index]
                if cell.tag == .text {
                    let start = Int(cell.payload)
                    FieldValue.fingerprint(text: UnsafeBufferPointer(rebasing: all[start..<(start + Int(cell.length))]), into: &hasher)
                } else {
                    self[index].fingerprint(into: &hasher)
                }
            }
        }
        return hasher.finalize()
    }
}
