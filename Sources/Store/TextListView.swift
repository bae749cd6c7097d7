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
        var position = 0
        func u64() -> UInt64? {
            guard position + 8 <= blob.count else { return nil }
            var value: UInt64 = 0
            for b in 0..<8 { value |= UInt64(blob[position + b]) << UInt64(8 * b) }
            position += 8
            return value
        }
        guard blob.first == ColumnCacheCodec.format else { return nil }
        position = 1
        guard let count64 = u64(), count64 < UInt64(Int32.max) else { return nil }
        count = Int(count64)
        guard position + (count + 1) * 8 <= blob.count else { return nil }
        var offsets = [Int](repeating: 0, count: count + 1)
        for i in 0...count { offsets[i] = Int(truncatingIfNeeded: u64() ?? 0) }
        var nulls = [UInt64](repeating: 0, count: (count + 63) >> 6)
        for w in nulls.indices {
            guard let word = u64() else { return nil }
            nulls[w] = word
        }
        textStart = position
        guard let total = offsets.last, blob.count == textStart + total else { return nil }
        for i in 0..<count where !(0 <= offsets[i] && offsets[i] <= offsets[i + 1]) { return nil }
        storage = blob
        self.offsets = offsets
        self.nulls = nulls
    }

    func isNull(_ i: Int) -> Bool { nulls[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    /// The bytes of entry `i` (empty for a null one).
    func bytes(_ i: Int) -> ArraySlice<UInt8> {
        storage[(textStart + offsets[i])..<(textStart + offsets[i + 1])]
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

    init(capacity: Int, bytes: Int) {
        offsets.reserveCapacity(capacity + 1)
        text.reserveCapacity(bytes)
    }

    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes?) {
        if count & 63 == 0 { nulls.append(0) }
        if let bytes { text.append(contentsOf: bytes) } else { nulls[count >> 6] |= 1 << UInt64(count & 63) }
        offsets.append(UInt64(text.count))
        count += 1
    }

    var encoded: [UInt8] {
        var out = ByteSink()
        out.bytes.reserveCapacity(9 + offsets.count * 8 + nulls.count * 8 + text.count)
        out.byte(ColumnCacheCodec.format)
        out.u64(UInt64(count))
        for offset in offsets { out.u64(offset) }
        for word in nulls { out.u64(word) }
        out.bytes.append(contentsOf: text)
        return out.bytes
    }
}
