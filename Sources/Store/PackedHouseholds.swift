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
            keys.append(id ?? PackedKey(high: 0, low: 0))
            none.append(id == nil)
            if id != nil { slots.insert(index: household, of: keys) }
        }
    }

    private init(householdOf: [Int32], keys: [PackedKey], none: [Bool]) {
        self.householdOf = householdOf
        self.keys = keys
        self.none = none
    }

    /// The same households for the rows in `order` (positions into these rows), renumbered in
    /// order of first appearance there: what grouping the rows in that order gives.
    func reordered(_ order: [Int32]) -> PackedHouseholds {
        var code = [Int32](repeating: -1, count: keys.count)
        var householdOf = [Int32](repeating: 0, count: order.count)
        var keys: [PackedKey] = [], none: [Bool] = []
        keys.reserveCapacity(self.keys.count)
        none.reserveCapacity(self.keys.count)
        for (i, row) in order.enumerated() {
            let old = Int(self.householdOf[Int(row)])
            if code[old] < 0 {
                code[old] = Int32(keys.count)
                keys.append(self.keys[old])
                none.append(self.none[old])
            }
            householdOf[i] = code[old]
        }
        return PackedHouseholds(householdOf: householdOf, keys: keys, none: none)
    }

    /// The households in ascending 户号 (distinct, so no ties), then those without one in order
    /// of appearance.
    var ascending: [Int32] {
        struct Pair {
            var key: PackedKey
            var household: Int32
        }
        var pairs: [Pair] = []
        pairs.reserveCapacity(keys.count)
        var without: [Int32] = []
        for household in keys.indices {
            if none[household] { without.append(Int32(household)) } else { pairs.append(Pair(key: keys[household], household: Int32(household))) }
        }
        pairs.sort { $0.key < $1.key }
        return pairs.map(\.household) + without
    }

    /// The household index's cache entries (`HouseholdIndex.idsEntry` and `cacheIntegers`), as
    /// `HouseholdIndex` of these rows would give them, without a `String` per household (at 1 M
    /// residents, 328 k of them, 16 bytes each, every one on the heap). `isHead`: whether each row
    /// is a 户主.
    func cacheEntries(isHead: [Bool]) -> [(name: String, bytes: [UInt8])] {
        let heads = HouseholdIndex.heads(householdOf: householdOf, households: keys.count, isHead: isHead)
        return [(HouseholdIndex.idsEntry, idsEntry)]
            + zip(HouseholdIndex.cacheIntegers, [householdOf, heads, ascending]).map { ($0, ColumnCacheCodec.encode(present: $1, kind: 0)) }
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
