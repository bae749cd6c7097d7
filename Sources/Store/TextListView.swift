/// A cached text list (`ColumnCacheCodec`'s layout) read in place: each entry's UTF-8 bytes
/// without making a `String` of it. Patching a million cached keys compares and copies bytes;
/// decoding them allocated a million strings.
struct TextListView {
    private let storage: [UInt8]
    /// Each entry's start, and the end: only for the variable layout (a fixed one's entries are
    /// `width` apart, with no offsets to hold: 8 bytes a row for a million keys).
    private let offsets: [Int]
    private let width: Int?
    private let nulls: [UInt64]
    private let textStart: Int
    let count: Int

    /// Nil when `blob` is not a well-formed text list.
    init?(_ blob: [UInt8]) {
        guard blob.first == ColumnCacheCodec.format else { return nil }
        let layout: (offsets: [Int], width: Int?, count: Int, nulls: [UInt64], textStart: Int)? = blob.withUnsafeBytes { raw in
            var reader = ByteSource(raw)
            reader.position = 1
            if let (count, width) = reader.fixedTextList() {
                guard raw.count == reader.position + count * width else { return nil }
                return ([], width, count, [UInt64](repeating: 0, count: (count + 63) >> 6), reader.position)
            }
            reader.position = 1
            guard let (offsets, nulls) = reader.textListLayout(), let total = offsets.last,
                  raw.count == reader.position + total else { return nil }
            return (offsets, nil, offsets.count - 1, nulls, reader.position)
        }
        guard let layout else { return nil }
        storage = blob
        offsets = layout.offsets
        width = layout.width
        nulls = layout.nulls
        textStart = layout.textStart
        count = layout.count
    }

    /// Every entry's width, for the fixed layout (nil: the variable one).
    var fixedWidth: Int? { width }

    func isNull(_ i: Int) -> Bool { nulls[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    /// The bytes of entry `i` (empty for a null one).
    func bytes(_ i: Int) -> ArraySlice<UInt8> {
        storage[(textStart + offset(i))..<(textStart + offset(i + 1))]
    }

    /// Where entry `i` starts in the text (the end of the list for `i == count`).
    func offset(_ i: Int) -> Int { width.map { i * $0 } ?? offsets[i] }

    /// The bytes of entries `first..<end`, one after another.
    func bytes(from first: Int, to end: Int) -> ArraySlice<UInt8> {
        storage[(textStart + offset(first))..<(textStart + offset(end))]
    }

    func string(_ i: Int) -> String? {
        isNull(i) ? nil : String(decoding: bytes(i), as: UTF8.self)
    }
}

/// Builds a text list in `ColumnCacheCodec`'s layout from byte slices. While every entry is
/// present and of one width (keys, 户号) it keeps no offsets, and the fixed layout's header
/// waits at the front of the bytes, so that `finish` hands them over without a copy: a night's
/// million keys held 8 bytes a row of offsets and a second copy of their 18 MB while encoded.
struct TextListBuilder {
    /// Room for the fixed layout's header (format, count, width) before the text.
    private static let header = 17
    /// Each entry's end in the text, once the widths differ (or an entry is null): from then on
    /// for every entry, those before filled in.
    private var offsets: [UInt64] = []
    private var variable = false
    private var nulls: [UInt64] = []
    private var text = [UInt8](repeating: 0, count: TextListBuilder.header)
    private var count = 0
    private var width = TextListLayout.Width()
    private var capacity: Int

    init(capacity: Int, bytes: Int) {
        self.capacity = capacity
        text.reserveCapacity(Self.header + bytes)
    }

    private var end: Int { text.count - Self.header }

    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes?) {
        if count & 63 == 0 { nulls.append(0) }
        let start = end
        if let bytes { text.append(contentsOf: bytes) } else { nulls[count >> 6] |= 1 << UInt64(count & 63) }
        record(width: bytes.map { _ in end - start }, end: end)
    }

    /// Rows `range` of `view`, their bytes copied at once (a night's merge copies long runs of
    /// unchanged rows: a slice per row was most of rewriting a million keys).
    mutating func append(rows range: Range<Int>, of view: TextListView) {
        guard !range.isEmpty else { return }
        let base = end - view.offset(range.lowerBound)
        text.append(contentsOf: view.bytes(from: range.lowerBound, to: range.upperBound))
        for row in range {
            if count & 63 == 0 { nulls.append(0) }
            if view.isNull(row) { nulls[count >> 6] |= 1 << UInt64(count & 63) }
            record(width: view.isNull(row) ? nil : view.offset(row + 1) - view.offset(row), end: base + view.offset(row + 1))
        }
    }

    /// Counts an entry of `width` (nil: null) ending at `end` in the text.
    private mutating func record(width entry: Int?, end: Int) {
        let fixed = width.fixed
        width.add(entry)
        if !variable, width.fixed == nil {
            // The first entry that breaks the fixed layout: the offsets of those before it.
            variable = true
            let before = fixed ?? 0
            offsets.reserveCapacity(capacity + 1)
            offsets.append(contentsOf: (0...count).map { UInt64($0 * before) })
        }
        if variable { offsets.append(UInt64(end)) }
        count += 1
    }

    /// The encoded list; the builder is left empty.
    mutating func finish() -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&bytes, &text)
        if let fixed = width.fixed {
            var head = ByteSink()
            head.byte(ColumnCacheCodec.format)
            head.textListHeader(count: count, fixed: fixed)
            bytes.replaceSubrange(0..<Self.header, with: head.bytes)
            return bytes
        }
        if !variable { offsets = [0] }  // no entry at all
        var out = ByteSink()
        out.bytes.reserveCapacity(9 + offsets.count * 8 + nulls.count * 8 + bytes.count - Self.header)
        out.byte(ColumnCacheCodec.format)
        out.textListHeader(count: count, fixed: nil)
        for offset in offsets { out.u64(offset) }
        for word in nulls { out.u64(word) }
        out.bytes.append(contentsOf: bytes[Self.header...])
        return out.bytes
    }
}
