/// Dictionary codes of texts found by their bytes, for reading text cells from SQLite: a
/// million residents have about six low-cardinality text cells each (gender, 户籍类型, 街道 …),
/// and making a `String` of every cell to hash it (with Unicode normalisation for Chinese)
/// was most of the table read's time after SQLite's own. A hit compares bytes in place; only
/// a text not seen before becomes a `String`. Open addressing, FNV-1a; stops admitting new
/// texts past `limit` (a column of mostly distinct texts gains nothing from it).
struct ByteCodes {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var codes: [Int64] = []
    private var arena: [UInt8] = []
    private let limit: Int

    init(limit: Int = 1 << 16) {
        self.limit = limit
        slots = [Int32](repeating: -1, count: 1024)
    }

    /// The code of the text in `bytes`: found by its bytes, or made by `make` (and remembered).
    mutating func code(_ bytes: UnsafeBufferPointer<UInt8>, make: (UnsafeBufferPointer<UInt8>) -> Int64) -> Int64 {
        let (hash, slot, found) = find(bytes)
        if let found { return found }
        let code = make(bytes)
        guard codes.count < limit else { return code }
        slots[slot] = Int32(codes.count)
        hashes.append(hash)
        starts.append(arena.count)
        lengths.append(bytes.count)
        codes.append(code)
        arena.append(contentsOf: bytes)
        if codes.count * 2 > slots.count { grow() }
        return code
    }

    /// The code of the text in `bytes`, if it was remembered (nothing is added).
    func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        find(bytes).code
    }

    /// The text's hash, and its code or the empty slot where it would go.
    private func find(_ bytes: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, slot: Int, code: Int64?) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = Int(slots[slot])
            if hashes[entry] == hash, lengths[entry] == bytes.count, equal(entry, bytes) { return (hash, slot, codes[entry]) }
            slot = (slot + 1) & mask
        }
        return (hash, slot, nil)
    }

    private func equal(_ entry: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[entry]
        for k in 0..<bytes.count where arena[start + k] != bytes[k] { return false }
        return true
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry)
        }
    }
}
