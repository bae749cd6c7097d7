/// The residents' household index of a night's merged rows (`ColumnCachePatch`), made from the
/// cached one: a kept row stays in its cached household, a new or changed row joins the cached
/// household of its 户号 or a new one, and households are numbered again in order of first
/// appearance. The entries are byte for byte those of grouping every row's 户号 anew
/// (`PackedHouseholds`, as a read of the table does), which hashed a key per row and held each
/// row's household, each household's key and a slot table (at 4 M residents about 150 MB beside
/// the fields' patch, the night's peak); this holds 4 bytes a household a few times over, and
/// hashes only the new rows' 户号 and each cached one once. The ascending order is the cached
/// one merged with the new households', not a sort.
enum HouseholdsPatch {
    /// Hands the entries (`HouseholdIndex.idsEntry`, then `cacheIntegers`) to `emit`, each as soon
    /// as it is made; false, with nothing emitted, when the cached entries disagree. `of`: each
    /// cached row's household; `order`: the cached households in ascending 户号; `fresh`: each
    /// delta row's 户号, every one of at most 16 bytes (`PackedKey`: the order compares them so).
    static func entries(
        sources: [Int32], ids: TextListView, of: ColumnCacheCodec.IntegerView, order: ColumnCacheCodec.IntegerView,
        fresh: [String?], isHead: [Bool], emit: (_ name: String, _ bytes: [UInt8]) -> Void
    ) -> Bool {
        let cached = ids.count
        guard order.count == cached, (0..<cached).allSatisfy({ order.isValid($0) && order.code($0, below: cached) >= 0 }) else {
            return false
        }
        // Groups: the cached households, then the delta rows' 户号 no cached household has (in
        // order of first appearance among the delta rows), then each delta row without one.
        var codes = ByteCodes(limit: .max)
        var freshKeys: [[UInt8]] = []
        var keyOfFresh = [Int32](repeating: -1, count: fresh.count)
        for (j, id) in fresh.enumerated() {
            guard var id else { continue }
            keyOfFresh[j] = Int32(id.withUTF8 { bytes in
                codes.code(bytes) { bytes in
                    freshKeys.append(Array(bytes))
                    return Int64(freshKeys.count - 1)
                }
            })
        }
        var groupOfKey = [Int32](repeating: -1, count: freshKeys.count)
        for household in 0..<cached where !ids.isNull(household) {
            if let key = ids.bytes(household).withUnsafeBufferPointer({ codes.code(of: $0) }) {
                groupOfKey[Int(key)] = Int32(household)
            }
        }
        var newKeys: [Int] = []  // the group's key, for groups cached..<
        for key in groupOfKey.indices where groupOfKey[key] < 0 {
            groupOfKey[key] = Int32(cached + newKeys.count)
            newKeys.append(key)
        }
        var keyless = cached + newKeys.count
        let groupOfFresh = keyOfFresh.map { key in
            guard key >= 0 else {
                keyless += 1
                return Int32(keyless - 1)
            }
            return groupOfKey[Int(key)]
        }
        let group = { (row: Int) -> Int in
            let source = Int(sources[row])
            return source >= 0 ? of.code(source, below: cached) : Int(groupOfFresh[-source - 1])
        }
        // Numbered in order of first appearance.
        var number = [Int32](repeating: -1, count: keyless)
        var groups: [Int32] = []
        for row in sources.indices {
            let g = group(row)
            guard g >= 0 else { return false }
            if number[g] < 0 {
                number[g] = Int32(groups.count)
                groups.append(Int32(g))
            }
        }
        let households = groups.count

        var list = TextListBuilder(capacity: households, bytes: households * 16)
        for g in groups.lazy.map(Int.init) {
            if g < cached {
                list.append(ids.isNull(g) ? nil : ids.bytes(g))
            } else {
                list.append(g < cached + newKeys.count ? freshKeys[newKeys[g - cached]] : nil)
            }
        }
        emit(HouseholdIndex.idsEntry, list.finish())
        let names = HouseholdIndex.cacheIntegers
        let all = [UInt64](repeating: ~0, count: (sources.count + 63) >> 6)
        emit(names[0], ColumnCacheCodec.encode(count: sources.count, kind: 0, validity: all) { Int64(number[group($0)]) })
        emit(names[1], ColumnCacheCodec.encode(
            present: HouseholdIndex.heads(rows: sources.count, households: households, isHead: isHead) { Int(number[group($0)]) }, kind: 0
        ))

        // Ascending 户号: the cached households still here, in their cached order, merged with
        // the new ones sorted; then those without 户号 in order of appearance.
        func key(_ g: Int) -> PackedKey {
            var fits = true
            return g < cached ? PackedKey(bytes: ids.bytes(g), fits: &fits) : PackedKey(bytes: freshKeys[newKeys[g - cached]], fits: &fits)
        }
        let added = (cached..<(cached + newKeys.count)).filter { number[$0] >= 0 }.sorted { key($0) < key($1) }
        var ascending: [Int32] = []
        ascending.reserveCapacity(households)
        var next = 0
        for g in (0..<cached).lazy.map({ order.code($0, below: cached) }) where number[g] >= 0 && !ids.isNull(g) {
            let own = key(g)
            while next < added.count, key(added[next]) < own {
                ascending.append(number[added[next]])
                next += 1
            }
            ascending.append(number[g])
        }
        ascending += added[next...].map { number[$0] }
        for (n, g) in groups.lazy.map(Int.init).enumerated() where g < cached ? ids.isNull(g) : g >= cached + newKeys.count {
            ascending.append(Int32(n))  // without 户号
        }
        emit(names[2], ColumnCacheCodec.encode(present: ascending, kind: 0))
        return true
    }
}
