/// Residents grouped into households by their packed 户号 (`PackedKey`), rows read in one order:
/// each row's household (codes in order of first appearance), each household's key, and whether
/// it has none (a row without 户号 is a household of its own). Grouped through `KeySlots`, whose
/// slots hold the household's code itself.
struct PackedHouseholds {
    var householdOf: [Int32]
    /// Each household's key (zero for one without).
    var keys: [PackedKey]
    var none: [Bool]

    /// Rows `0..<count`, row `i`'s key from `key(i)`, asked once per row in ascending order.
    init(count: Int, key: (Int) -> PackedKey?) {
        householdOf = [Int32](repeating: 0, count: count)
        keys = []
        none = []
        var slots = KeySlots<PackedKey>(capacity: count / 2)
        for row in 0..<count {
            let id = key(row)
            if let id, let household = slots.find(id, in: keys) {
                householdOf[row] = household
                continue
            }
            let household = Int32(keys.count)
            householdOf[row] = household
            if keys.count == keys.capacity {
                // Otherwise grown by half, not doubled: at 4 M residents the last doubling held
                // 48 MB of keys at once, at the first load's peak.
                let room = keys.count + keys.count / 2 + 1024
                keys.reserveCapacity(room)
                none.reserveCapacity(room)
            }
            keys.append(id ?? PackedKey(high: 0, low: 0))
            none.append(id == nil)
            if id != nil { slots.insert(index: household, of: keys) }
        }
    }

    /// The same households for the rows in `order` (positions into these rows), renumbered in
    /// order of first appearance there: what grouping the rows in that order gives. The keys are
    /// moved to their new numbers in place (a copy of them was 16 bytes a household more at the
    /// first load's peak, 21 MB at 4 M residents); households no row of `order` has are dropped.
    /// When `order` is every row once, the rows' households are put in its order in place too,
    /// and `order` is used up (each entry −1); otherwise it stays as it was.
    mutating func reorder(_ order: inout [Int32]) {
        var code = [Int32](repeating: -1, count: keys.count)
        var next: Int32 = 0
        func renumbered(_ old: Int32) -> Int32 {
            if code[Int(old)] < 0 {
                code[Int(old)] = next
                next += 1
            }
            return code[Int(old)]
        }
        if order.count == householdOf.count {
            // Each cycle of the permutation followed once, `order` marking the rows done: a
            // second array of every row's household was 4 bytes a row more at the first load's
            // peak (16 MB at 4 M residents).
            for start in order.indices where order[start] >= 0 {
                let first = householdOf[start]
                var at = start
                while true {
                    let from = Int(order[at])
                    order[at] = -1
                    if from == start {
                        householdOf[at] = first
                        break
                    }
                    householdOf[at] = householdOf[from]
                    at = from
                }
            }
            for row in householdOf.indices { householdOf[row] = renumbered(householdOf[row]) }
        } else {
            householdOf = order.map { renumbered(householdOf[Int($0)]) }
        }
        guard Int(next) == keys.count else {
            // Some household has no row in `order` (never, for a first load's): copied.
            var keys = [PackedKey](repeating: PackedKey(high: 0, low: 0), count: Int(next))
            var none = [Bool](repeating: false, count: Int(next))
            for (old, new) in code.enumerated() where new >= 0 {
                keys[Int(new)] = self.keys[old]
                none[Int(new)] = self.none[old]
            }
            (self.keys, self.none) = (keys, none)
            return
        }
        // Each cycle of the renumbering followed once: the household met carries its key to its
        // new number and picks up the one there.
        for start in code.indices where code[start] >= 0 {
            var key = keys[start], hasNone = none[start]
            var at = Int(code[start])
            code[start] = -1
            while at != start {
                swap(&key, &keys[at])
                swap(&hasNone, &none[at])
                let following = Int(code[at])
                code[at] = -1
                at = following
            }
            keys[start] = key
            none[start] = hasNone
        }
    }

    /// The households in ascending 户号 (distinct, so no ties), then those without one in order
    /// of appearance. Their numbers are sorted by key, not (key, number) pairs: those were 24
    /// bytes a household, the first load's largest array at its peak (31 MB at 4 M residents).
    var ascending: [Int32] {
        var withKey: [Int32] = []
        withKey.reserveCapacity(keys.count)
        var without: [Int32] = []
        for household in keys.indices {
            if none[household] { without.append(Int32(household)) } else { withKey.append(Int32(household)) }
        }
        keys.withUnsafeBufferPointer { keys in
            withKey.sort { keys[Int($0)] < keys[Int($1)] }
        }
        return withKey + without
    }

    /// The household index's cache entries (`HouseholdIndex.idsEntry` and `cacheIntegers`), as
    /// `HouseholdIndex` of these rows would give them, without a `String` per household (at 1 M
    /// residents, 328 k of them, 16 bytes each, every one on the heap). `isHead`: whether each row
    /// is a 户主. Each entry is handed to `emit` as soon as it is made, and dropped before the next
    /// is made (held together, they were 47 MB of the first load's peak at 4 M residents).
    func cacheEntries(isHead: [Bool], emit: (_ name: String, _ bytes: [UInt8]) -> Void) {
        emit(HouseholdIndex.idsEntry, idsEntry)
        let names = HouseholdIndex.cacheIntegers
        emit(names[0], ColumnCacheCodec.encode(present: householdOf, kind: 0))
        emit(names[1], ColumnCacheCodec.encode(
            present: HouseholdIndex.heads(householdOf: householdOf, households: keys.count, isHead: isHead), kind: 0
        ))
        emit(names[2], ColumnCacheCodec.encode(present: ascending, kind: 0))
    }

    /// The households' 户号 as the cache's text list: the bytes of `ColumnCacheCodec.encode(texts:)`
    /// of their ids.
    private var idsEntry: [UInt8] {
        var list = TextListBuilder(capacity: keys.count, bytes: keys.count * 16)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for household in keys.indices {
            guard !none[household] else {
                list.append(nil as [UInt8]?)
                continue
            }
            keys[household].bytes(into: &bytes)
            list.append(bytes)
        }
        return list.finish()
    }
}
