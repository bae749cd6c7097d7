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

/// The stored rows' keys by slot (`StoredRowTable`), found through a hash table of the present
/// slots. When every key is a 身份证号 (a residents' table) each is kept in 8 bytes (`DigitKey`),
/// otherwise in 24 (`CompactKey`): at 4 M residents 64 MB less in a night's reading phase, its
/// largest array. A key of another form is then in no slot, so it is not looked for. Keys too
/// long for a `CompactKey` are kept apart by the table (their slots here are empty).
struct SlotKeys: Sendable, Equatable {
    private enum Storage: Sendable {
        case digits([DigitKey], KeySlots<DigitKey>)
        case compact([CompactKey], KeySlots<CompactKey>)
    }

    private let storage: Storage

    /// `keys`, the empty key in empty slots and long keys' slots (`present` false); kept in 8
    /// bytes each when every present one is a 身份证号.
    init(_ keys: [CompactKey], present: (Int) -> Bool) {
        var digits = [DigitKey](repeating: .empty, count: keys.count)
        for slot in keys.indices where present(slot) {
            guard let key = DigitKey(keys[slot]) else {
                self.init(compact: keys, present: present)
                return
            }
            digits[slot] = key
        }
        self.init(digits: digits, present: present)
    }

    /// Keys all of which are 身份证号 (`DigitKey.empty` in the slots `present` leaves out).
    init(digits: [DigitKey], present: (Int) -> Bool) {
        var slots = KeySlots<DigitKey>(capacity: digits.count)
        for slot in digits.indices where present(slot) { slots.insert(index: Int32(slot), of: digits) }
        storage = .digits(digits, slots)
    }

    /// Keys in 24 bytes each, for a caller that has met a present one of another form (asked to
    /// try 8 bytes, `init(_:present:)` would allocate 8 bytes a slot and read up to that key again).
    init(compact keys: [CompactKey], present: (Int) -> Bool) {
        var slots = KeySlots<CompactKey>(capacity: keys.count)
        for slot in keys.indices where present(slot) { slots.insert(index: Int32(slot), of: keys) }
        storage = .compact(keys, slots)
    }

    /// The slot of `key` (UTF-8 bytes, at most `CompactKey.capacity`), if a present one holds it;
    /// the slot after `previous` is tried first.
    @inline(__always)
    func slot(of key: UnsafeRawBufferPointer, after previous: Int = -1) -> Int32? {
        let next = previous + 1
        switch storage {
        case .digits(let keys, let slots):
            guard let key = DigitKey(bytes: key) else { return nil }
            return next >= 0 && next < keys.count && keys[next] == key ? Int32(next) : slots.find(key, in: keys)
        case .compact(let keys, let slots):
            guard let key = CompactKey(bytes: key) else { return nil }
            return next >= 0 && next < keys.count && keys[next] == key ? Int32(next) : slots.find(key, in: keys)
        }
    }

    /// A slot's key in 8 bytes (`DigitKey.empty` for an empty slot); nil when the keys are kept
    /// in 24.
    func digit(at slot: Int) -> DigitKey? {
        if case .digits(let keys, _) = storage { keys[slot] } else { nil }
    }

    /// A slot's key (the empty key for an empty slot or a long key's).
    func compact(at slot: Int) -> CompactKey {
        switch storage {
        case .digits(let keys, _): keys[slot].withBytes { CompactKey(bytes: $0) } ?? CompactKey()
        case .compact(let keys, _): keys[slot]
        }
    }

    /// The same keys in the same form (their hash tables follow from them).
    static func == (a: SlotKeys, b: SlotKeys) -> Bool {
        switch (a.storage, b.storage) {
        case (.digits(let x, _), .digits(let y, _)): x == y
        case (.compact(let x, _), .compact(let y, _)): x == y
        default: false
        }
    }

    /// Whether the keys are kept in 8 bytes each.
    var areDigits: Bool {
        if case .digits = storage { true } else { false }
    }
}

/// A snapshot's keys as its pieces are read (`StoredRowTable.snapshot`): in 8 bytes each while
/// every present one is a 身份证号, so that no array of 24 bytes a row is ever made for them;
/// at the first other key, those so far are moved to 24 bytes each.
struct SlotKeysBuilder {
    private var digits: [DigitKey]
    private var compact: [CompactKey] = []

    init(count: Int) {
        digits = [DigitKey](repeating: .empty, count: count)
    }

    mutating func set(_ slot: Int, _ key: CompactKey, present: Bool) {
        if !compact.isEmpty {
            compact[slot] = key
            return
        }
        guard present else { return }
        if let digit = DigitKey(key) {
            digits[slot] = digit
            return
        }
        compact = digits.map { $0.withBytes { CompactKey(bytes: $0) } ?? CompactKey() }
        digits = []
        compact[slot] = key
    }

    /// The keys, their present slots found through `present`.
    func finish(present: (Int) -> Bool) -> SlotKeys {
        compact.isEmpty ? SlotKeys(digits: digits, present: present) : SlotKeys(compact: compact, present: present)
    }
}
