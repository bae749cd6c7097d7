internal import Datasets

/// Texts (or NULLs) one after another in one byte buffer, as SQLite hands back the written
/// values: no `String` per row.
struct ByteList: Sendable {
    private var bytes: [UInt8] = []
    /// Row `i`'s bytes are `bytes[starts[i] ..< starts[i + 1]]`; NULL rows have `nulls` set.
    private var starts: [Int] = [0]
    private var nulls: [Bool] = []

    mutating func reserve(rows: Int, bytes count: Int) {
        bytes.reserveCapacity(count)
        starts.reserveCapacity(rows + 1)
        nulls.reserveCapacity(rows)
    }

    /// Cell `index` of `values`, as SQLite would hand it back.
    mutating func append(_ values: FlatValues, _ index: Int) {
        values.withStoredText(at: index) { text in
            nulls.append(text == nil)
            if let text { bytes.append(contentsOf: text) }
        }
        starts.append(bytes.count)
    }

    /// The first 24 bytes of row `i`, packed big-endian and zero-padded (ids hold no NUL byte,
    /// so packed prefixes order as the bytes do); `.null` for NULL, which sorts first.
    struct Prefix: Equatable, Comparable {
        var isNull: Bool
        var words: (UInt64, UInt64, UInt64)

        static let null = Prefix(isNull: true, words: (0, 0, 0))

        static func == (a: Prefix, b: Prefix) -> Bool {
            a.isNull == b.isNull && a.words == b.words
        }

        static func < (a: Prefix, b: Prefix) -> Bool {
            if a.isNull != b.isNull { return a.isNull }
            if a.words.0 != b.words.0 { return a.words.0 < b.words.0 }
            if a.words.1 != b.words.1 { return a.words.1 < b.words.1 }
            return a.words.2 < b.words.2
        }
    }

    func prefix(_ row: Int) -> Prefix {
        guard !nulls[row] else { return .null }
        let start = starts[row], end = starts[row + 1]
        return Prefix(isNull: false, words: bytes.withUnsafeBufferPointer { Self.words(UnsafeBufferPointer(rebasing: $0[start..<end])) })
    }

    /// The first 24 of `bytes` packed big-endian, zero-padded (a first load's key runs pack
    /// their keys the same way, `KeyRuns`).
    static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64) {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        for k in 0..<24 {
            let byte = k < bytes.count ? UInt64(bytes[k]) : 0
            switch k >> 3 {
            case 0: words.0 = words.0 << 8 | byte
            case 1: words.1 = words.1 << 8 | byte
            default: words.2 = words.2 << 8 | byte
            }
        }
        return words
    }

    /// Longer than its prefix: equal prefixes say nothing about its order.
    func isLong(_ row: Int) -> Bool { starts[row + 1] - starts[row] > 24 }

    /// Rows `i` and `j` in BINARY order (NULL first): < 0, 0 or > 0.
    func compare(_ i: Int, _ p: Prefix, _ j: Int, _ q: Prefix) -> Int {
        if p != q { return p < q ? -1 : 1 }
        if p.isNull { return 0 }
        let a = bytes[starts[i]..<starts[i + 1]], b = bytes[starts[j]..<starts[j + 1]]
        if a.elementsEqual(b) { return 0 }
        return a.lexicographicallyPrecedes(b) ? -1 : 1
    }

    /// The rows in `order` as a cache text list (`TextListBuilder`, `ColumnCacheCodec`'s layout).
    func encoded(_ order: [Int32]) -> [UInt8] {
        var total = 0
        for row in order { total += starts[Int(row) + 1] - starts[Int(row)] }
        var out = TextListBuilder(capacity: order.count, bytes: total)
        bytes.withUnsafeBufferPointer { source in
            for row in order {
                let r = Int(row)
                out.append(nulls[r] ? nil : UnsafeBufferPointer(rebasing: source[starts[r]..<starts[r + 1]]))
            }
        }
        return out.finish()
    }
}
