/// A key of up to 23 UTF-8 bytes (ID numbers, USCCs, most licence numbers) kept inline in 24
/// bytes rather than as a heap string: at a million keys that halves a key table's memory and
/// turns each probe's string comparison into three integer compares. Longer keys have none.
public struct CompactKey: Hashable, Sendable {
    private var a: UInt64 = 0
    private var b: UInt64 = 0
    private var c: UInt64 = 0

    /// The most UTF-8 bytes a compact key holds (the 24th is its length).
    public static let capacity = 23

    /// The empty key.
    public init() {}

    public init?(_ key: String) {
        var key = key
        guard let made = key.withUTF8({ Self(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = made
    }

    /// The same from the key's UTF-8 bytes.
    public init?(bytes source: UnsafeRawBufferPointer) {
        guard source.count <= Self.capacity else { return nil }
        withUnsafeMutableBytes(of: &self) { raw in
            raw.copyMemory(from: source)
            // The length goes in the last byte, so "A" and "A\0" differ.
            raw[23] = UInt8(truncatingIfNeeded: source.count)
        }
    }

    /// A well-mixed hash of the three words, for `KeySlots`.
    var mixed: UInt64 {
        let m = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ (c &* 0x1656_67B1_9E37_79F9)
        return m ^ (m >> 29)
    }

    /// The key as text again.
    var string: String {
        withUnsafeBytes(of: self) { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<Int(raw[23])]), as: UTF8.self)
        }
    }
}

/// A key that hashes itself into one well-mixed word (for `KeySlots`).
protocol MixedHashing: Equatable {
    var mixed: UInt64 { get }
}

extension CompactKey: MixedHashing {}

/// Keys → their index in a list of keys, by open addressing over that list (which holds the
/// keys themselves): 4 bytes a slot, no second copy of the keys, and no `Hasher` (Swift's
/// `Dictionary` hashing 16 or 24 bytes with SipHash per key was most of building a table of a
/// million stored keys, or of grouping a million residents by 户号).
struct KeySlots<Key: MixedHashing>: Sendable {
    private var table: [Int32]
    private var mask: Int
    private var count = 0

    /// Room for `capacity` keys without growing (a guess: the table doubles when half full).
    init(capacity: Int) {
        var size = 1024
        while size < min(capacity, 1 << 28) * 2 { size <<= 1 }
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// Adds `keys[index]` (a key not added before).
    mutating func insert(index: Int32, of keys: [Key]) {
        if (count + 1) * 2 > table.count { grow(keys) }
        place(index, keys)
        count += 1
    }

    private mutating func place(_ index: Int32, _ keys: [Key]) {
        var slot = Int(truncatingIfNeeded: keys[Int(index)].mixed) & mask
        while table[slot] >= 0 { slot = (slot + 1) & mask }
        table[slot] = index
    }

    private mutating func grow(_ keys: [Key]) {
        let old = table
        table = [Int32](repeating: -1, count: old.count * 2)
        mask = table.count - 1
        for index in old where index >= 0 { place(index, keys) }
    }

    /// The index of `key` in `keys`, if it was added.
    func find(_ key: Key, in keys: [Key]) -> Int32? {
        var slot = Int(truncatingIfNeeded: key.mixed) & mask
        while true {
            let index = table[slot]
            if index < 0 { return nil }
            if keys[Int(index)] == key { return index }
            slot = (slot + 1) & mask
        }
    }
}

/// Compact keys, each with a value, by open addressing (`KeySlots`): an import remembers every
/// key of its file with the fingerprint of its first row. One probe per key and no `Hasher`
/// (a `Dictionary` of `CompactKey` was two SipHash look-ups per row, about 4 % of a first
/// load's CPU at 1 M residents).
public struct CompactKeyValues: Sendable {
    private var keys: [CompactKey] = []
    private var values: [Int64] = []
    private var slots: KeySlots<CompactKey>

    public init(capacity: Int) {
        slots = KeySlots(capacity: capacity)
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// The value kept for `key`; nil when it had none, after keeping `value` for it.
    public mutating func value(of key: CompactKey, keeping value: Int64) -> Int64? {
        if let index = slots.find(key, in: keys) { return values[Int(index)] }
        keys.append(key)
        values.append(value)
        slots.insert(index: Int32(keys.count - 1), of: keys)
        return nil
    }
}

/// A set of compact keys (`KeySlots`): the keys a first load's file repeats, which its second
/// reading tells as they come (`RepeatDetector`).
public struct CompactKeySet: Sendable {
    private var keys: [CompactKey] = []
    private var slots: KeySlots<CompactKey>

    /// The compact ones of `texts` (a longer key has no `CompactKey`, and is told anyway).
    public init<Texts: Sequence<String>>(_ texts: Texts) {
        slots = KeySlots(capacity: 16)
        for text in texts {
            guard let key = CompactKey(text), slots.find(key, in: keys) == nil else { continue }
            keys.append(key)
            slots.insert(index: Int32(keys.count - 1), of: keys)
        }
    }

    public var isEmpty: Bool { keys.isEmpty }

    public func contains(_ key: CompactKey) -> Bool { slots.find(key, in: keys) != nil }
}
