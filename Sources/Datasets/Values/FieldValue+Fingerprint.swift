extension FieldValue {
    /// Feeds the value's bytes to `hasher`. Text is hashed as raw UTF-8 without Unicode
    /// normalisation (several times cheaper than `hash(into:)` for Chinese text); equal values
    /// always give equal fingerprints.
    public func fingerprint(into hasher: inout RowHasher) {
        switch self {
        case .null:
            hasher.combine(0)
        case .text(let text):
            text.withUTF8Bytes { Self.fingerprint(text: $0, into: &hasher) }
        case .integer(let i):
            hasher.combine(2)
            hasher.combine(UInt64(bitPattern: i))
        case .decimal(let units):
            hasher.combine(3)
            hasher.combine(UInt64(bitPattern: units))
        case .date(let day):
            hasher.combine(4)
            hasher.combine(UInt64(bitPattern: Int64(day.daysSinceEpoch)))
        case .bool(let b):
            hasher.combine(b ? 6 : 5)
        }
    }

    /// What `fingerprint(into:)` feeds for a text of these UTF-8 bytes (`FlatValues` too).
    @inline(__always)
    public static func fingerprint(text bytes: UnsafeBufferPointer<UInt8>, into hasher: inout RowHasher) {
        hasher.combine(1)
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
    }

    /// The fingerprint of a whole row: the same in every process and on every run, so it can
    /// be stored with the row (the profile tables' `row_fingerprint`) and compared on the next
    /// import instead of the row's fields.
    public static func fingerprint(of row: some Collection<FieldValue>) -> Int64 {
        var hasher = RowHasher()
        for value in row { value.fingerprint(into: &hasher) }
        return hasher.finalize()
    }

    /// The same for an array: the generic version is not specialised across modules, and
    /// iterating through witness tables made it 8 % of a first load in perf.
    public static func fingerprint(of row: [FieldValue]) -> Int64 {
        fingerprint(of: row, in: row.indices)
    }

    /// The same for the row at `values[range]` (a batch's values, flat).
    public static func fingerprint(of values: [FieldValue], in range: Range<Int>) -> Int64 {
        var hasher = RowHasher()
        for index in range { values[index].fingerprint(into: &hasher) }
        return hasher.finalize()
    }
}

/// A 64-bit hash with a fixed seed (Swift's `Hasher` is seeded per process, so its values
/// cannot be stored): eight bytes at a time, each step a bijection of the state, murmur3's
/// finaliser at the end.
public struct RowHasher: Sendable {
    private var state: UInt64 = 0x243F_6A88_85A3_08D3

    public init() {}

    @inline(__always)
    public mutating func combine(_ word: UInt64) {
        state = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
        state ^= state >> 29
    }

    /// The bytes and their count (so "ab" + "c" and "a" + "bc" differ).
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            combine(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        combine(tail)
        combine(UInt64(count))
    }

    /// The fingerprint of one text's UTF-8 bytes.
    public static func digest(of text: String) -> Int64 {
        var hasher = RowHasher()
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }

    public func finalize() -> Int64 {
        var h = state
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return Int64(bitPattern: h)
    }
}
