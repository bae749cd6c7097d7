/// A cached text list (`ColumnCacheCodec`'s layout) read in place: each entry's UTF-8 bytes
/// without making a `String` of it. Patching a million cached keys compares and copies bytes;
/// decoding them allocated a million strings.
struct TextListView {
    private let storage: [UInt8]
    private let offsets: [Int]
    private let nulls: [UInt64]
    private let textStart: Int
    let count: Int

    /// Nil when `blob` is not a well-formed text list.
    init?(_ blob: [UInt8]) {
        guard blob.first == ColumnCacheCodec.format else { return nil }
        let layout: (offsets: [Int], nulls: [UInt64], textStart: Int)? = blob.withUnsafeBytes { raw in
            var reader = ByteSource(raw)
            reader.position = 1
            guard let (offsets, nulls) = reader.textListLayout(), let total = offsets.last,
                  raw.count == reader.position + total else { return nil }
            return (offsets, nulls, reader.position)
        }
        guard let layout else { return nil }
        storage = blob
        offsets = layout.offsets
        nulls = layout.nulls
        textStart = layout.textStart
        count = layout.offsets.count - 1
    }

    func isNull(_ i: Int) -> Bool { nulls[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    /// The bytes of entry `i` (empty for a null one).
    func bytes(_ i: Int) -> ArraySlice<UInt8> {
        storage[(textStart + offsets[i])..<(textStart + offsets[i + 1])]
    }

    /// Where entry `i` starts in the text (the end of the list for `i == count`).
    func offset(_ i: Int) -> Int { offsets[i] }

    /// The bytes of entries `first..<end`, one after another.
    func bytes(from first: Int, to end: Int) -> ArraySlice<UInt8> {
        storage[(textStart + offsets[first])..<(textStart + offsets[end])]
    }

    func string(_ i: Int) -> String? {
        isNull(i) ? nil : String(decoding: bytes(i), as: UTF8.self)
    }
}

/// Builds a text list in `ColumnCacheCodec`'s layout from byte slices.
struct TextListBuilder {
    private var offsets: [UInt64] = [0]
    private var nulls: [UInt64] = []
    private var text: [UInt8] = []
    private var count = 0
    private var width = TextListLayout.Width()

    init(capacity: Int, bytes: Int) {
        offsets.reserveCapacity(capacity + 1)
        text.reserveCapacity(bytes)
    }

    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes?) {
        if count & 63 == 0 { nulls.append(0) }
        if let bytes { text.append(contentsOf: bytes) } else { nulls[count >> 6] |= 1 << UInt64(count & 63) }
        width.add(bytes.map { _ in text.count - Int(offsets[count]) })
        offsets.append(UInt64(text.count))
        count += 1
    }

    /// Rows `range` of `view`, their bytes copied at once (a night's merge copies long runs of
    /// unchanged rows: a slice per row was most of rewriting a million keys).
    mutating func append(rows range: Range<Int>, of view: TextListView) {
        guard !range.isEmpty else { return }
        let base = UInt64(text.count) &- UInt64(view.offset(range.lowerBound))
        text.append(contentsOf: view.bytes(from: range.lowerBound, to: range.upperBound))
        for row in range {
            if count & 63 == 0 { nulls.append(0) }
            if view.isNull(row) { nulls[count >> 6] |= 1 << UInt64(count & 63) }
            width.add(view.isNull(row) ? nil : view.offset(row + 1) - view.offset(row))
            offsets.append(base &+ UInt64(view.offset(row + 1)))
            count += 1
        }
    }

    var encoded: [UInt8] {
        var out = ByteSink()
        if let fixed = width.fixed {
            out.bytes.reserveCapacity(17 + text.count)
            out.byte(ColumnCacheCodec.format)
            out.u64(UInt64(count) | TextListLayout.fixedFlag)
            out.u64(UInt64(fixed))
            out.bytes.append(contentsOf: text)
            return out.bytes
        }
        out.bytes.reserveCapacity(9 + offsets.count * 8 + nulls.count * 8 + text.count)
        out.byte(ColumnCacheCodec.format)
        out.u64(UInt64(count))
        for offset in offsets { out.u64(offset) }
        for word in nulls { out.u64(word) }
        out.bytes.append(contentsOf: text)
        return out.bytes
    }
}
