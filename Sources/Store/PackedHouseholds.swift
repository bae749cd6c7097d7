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
}
