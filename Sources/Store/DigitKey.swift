/// A 居民身份证号 — 17 digits, then a digit or X — in 8 bytes, one to one: the number of its
/// first 17 digits times 11, plus its last (X is 10). Below 1.1 × 10^18, so `empty` is never one.
struct DigitKey: Hashable, Sendable, MixedHashing {
    private(set) var bits: UInt64

    /// No key (an empty slot, a key of another form).
    static let empty = DigitKey(bits: .max)

    private init(bits: UInt64) { self.bits = bits }

    /// The key whose `bits` these are (a snapshot's); nil for bits no 身份证号 has.
    init?(stored bits: UInt64) {
        guard bits < 11 * 100_000_000_000_000_000 else { return nil }
        self.bits = bits
    }

    /// Nil for any other bytes (a lower-case x too: it is a different key).
    init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 18 else { return nil }
        var number: UInt64 = 0
        for i in 0..<17 {
            let digit = bytes[i] &- 0x30
            guard digit < 10 else { return nil }
            number = number * 10 + UInt64(digit)
        }
        let last = bytes[17]
        let check: UInt64
        if last == UInt8(ascii: "X") {
            check = 10
        } else {
            guard last &- 0x30 < 10 else { return nil }
            check = UInt64(last &- 0x30)
        }
        bits = number * 11 + check
    }

    /// Nil for a key of any other form.
    init?(_ key: String) {
        var key = key
        guard let made = key.withUTF8({ DigitKey(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = made
    }

    init?(_ key: CompactKey) {
        guard let made = key.withBytes({ DigitKey(bytes: $0) }) else { return nil }
        self = made
    }

    /// The key's 18 bytes (none for `empty`).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard self != .empty else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &text) { raw in
            let check = bits % 11
            raw[17] = check == 10 ? UInt8(ascii: "X") : 0x30 + UInt8(check)
            var number = bits / 11
            for i in stride(from: 16, through: 0, by: -1) {
                raw[i] = 0x30 + UInt8(number % 10)
                number /= 10
            }
            return body(UnsafeRawBufferPointer(rebasing: raw[0..<18]))
        }
    }

    var mixed: UInt64 {
        let m = bits &* 0x9E37_79B9_7F4A_7C15
        return m ^ (m >> 29)
    }
}

extension CompactKey {
    /// The key's UTF-8 bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: self) { raw in body(UnsafeRawBufferPointer(rebasing: raw[0..<Int(raw[23])])) }
    }
}
