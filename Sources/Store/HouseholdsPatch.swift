/// The residents' household index of the merged rows of a `CacheDelta` (`ColumnCachePatch`), made from the
/// cached one: a kept row stays in its cached household, a new or changed row joins the cached
/// household of its 户号 or a new one, and households are numbered again in order of first
/// appearance. The entries are byte for byte those of grouping every row's 户号 anew
/// (`PackedHouseholds`, as a read of the table does), which hashed a key per row and held each
/// row's household, each household's key and a slot table (at 4 M residents about 150 MB beside
/// the fields' patch, the night's peak); this holds 4 bytes a household a few times over, and
/// hashes only the new rows' 户号 and each cached one once. The ascending order is the cached
/// one merged with the new households', not a sort.
enum HouseholdsPatch {
    /// Hands the entries (`HouseholdIndex.cacheIntegers`' household of each row and heads, then
    /// `idsEntry`, then the ascending order) to `emit`, each as soon as it is made; false when
    /// the cached entries disagree (what was emitted is then not to be used). `ids`: the cached
    /// households' 户号; `cached`: the cached entries of each row's household and of the
    /// households in ascending 户号, each let go as soon as it is used up (the rows' households
    /// before the 户号 list is made: held to the end, 16 MB at 4 M residents); `cachedRows`:
    /// the rows the cached entries have; `fresh`: each delta row's 户号, every one of at most 16
    /// bytes (`PackedKey`: the order compares them so); `isHead`, emptied once used.
    static func entries(
        sources: [Int32], ids: TextListView, cached: CachedHouseholds, cachedRows: Int, fresh: [String?], isHead: inout [Bool],
        emit: (_ name: String, _ bytes: [UInt8]) -> Void
    ) -> Bool {
        let households = ids.count
        guard let orderBlob = cached.take(\.order) else { return false }
        return orderBlob.withUnsafeBytes { orderRaw in
            guard let order = ColumnCacheCodec.IntegerView(orderRaw), order.count == households,
                  (0..<households).allSatisfy({ order.isValid($0) && order.code($0, below: households) >= 0 }) else { return false }
            let groups = Groups(ids: ids, fresh: fresh)
            guard let (number, appearing) = numbered(sources, groups, cached, cachedRows, isHead: &isHead, emit: emit) else {
                return false
            }
            var list = TextListBuilder(capacity: appearing.count, bytes: appearing.count * 16)
            for g in appearing.lazy.map(Int.init) { list.append(groups.id(g)) }
            emit(HouseholdIndex.idsEntry, list.finish())

            // Ascending 户号: the cached households still here, in their cached order, merged with
            // the new ones sorted; then those without 户号 in order of appearance.
            let added = (households..<groups.keyed).filter { number[$0] >= 0 }.sorted { groups.key($0) < groups.key($1) }
            var ascending: [Int32] = []
            ascending.reserveCapacity(appearing.count)
            var next = 0
            for g in (0..<households).lazy.map({ order.code($0, below: households) }) where number[g] >= 0 && !ids.isNull(g) {
                let own = groups.key(g)
                while next < added.count, groups.key(added[next]) < own {
                    ascending.append(number[added[next]])
                    next += 1
                }
                ascending.append(number[g])
            }
            ascending += added[next...].map { number[$0] }
            for (n, g) in appearing.lazy.map(Int.init).enumerated() where groups.id(g) == nil {
                ascending.append(Int32(n))  // without 户号
            }
            emit(HouseholdIndex.cacheIntegers[2], ColumnCacheCodec.encode(present: ascending, kind: 0))
            return true
        }
    }

    /// Each merged row's group, numbered in order of first appearance: the numbers by group and
    /// the groups in that order, with the entries of each row's household and of the heads
    /// emitted. Reads the cached households of the rows, which are let go on return.
    private static func numbered(
        _ sources: [Int32], _ groups: Groups, _ cached: CachedHouseholds, _ cachedRows: Int, isHead: inout [Bool],
        emit: (_ name: String, _ bytes: [UInt8]) -> Void
    ) -> (number: [Int32], appearing: [Int32])? {
        guard let ofBlob = cached.take(\.of) else { return nil }
        return ofBlob.withUnsafeBytes { ofRaw in
            let households = groups.cached
            guard let of = ColumnCacheCodec.IntegerView(ofRaw), of.count == cachedRows,
                  (0..<of.count).allSatisfy({ of.isValid($0) && of.code($0, below: households) >= 0 }) else { return nil }
            let group = { (row: Int) -> Int in
                let source = Int(sources[row])
                return source >= 0 ? of.code(source, below: households) : Int(groups.ofFresh[-source - 1])
            }
            var number = [Int32](repeating: -1, count: groups.count)
            var appearing: [Int32] = []
            for row in sources.indices {
                let g = group(row)
                guard g >= 0 else { return nil }
                if number[g] < 0 {
                    number[g] = Int32(appearing.count)
                    appearing.append(Int32(g))
                }
            }
            let names = HouseholdIndex.cacheIntegers
            let all = [UInt64](repeating: ~0, count: (sources.count + 63) >> 6)
            emit(names[0], ColumnCacheCodec.encode(count: sources.count, kind: 0, validity: all) { Int64(number[group($0)]) })
            emit(names[1], ColumnCacheCodec.encode(
                present: HouseholdIndex.heads(rows: sources.count, households: appearing.count, isHead: isHead) { Int(number[group($0)]) },
                kind: 0
            ))
            isHead = []
            return (number, appearing)
        }
    }

    /// The groups the merged rows fall into: the cached households, then the delta rows' 户号 no
    /// cached household has (in order of first appearance among the delta rows), then each delta
    /// row without one.
    private struct Groups {
        let ids: TextListView
        /// The delta rows' distinct 户号, and which of them are new groups (`cached..<keyed`).
        private var freshKeys: [[UInt8]] = []
        private var newKeys: [Int] = []
        /// Each delta row's group.
        private(set) var ofFresh: [Int32] = []
        let cached: Int
        private(set) var keyed = 0
        private(set) var count = 0

        init(ids: TextListView, fresh: [String?]) {
            self.ids = ids
            cached = ids.count
            var codes = ByteCodes(limit: .max)
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
            for key in groupOfKey.indices where groupOfKey[key] < 0 {
                groupOfKey[key] = Int32(cached + newKeys.count)
                newKeys.append(key)
            }
            keyed = cached + newKeys.count
            var keyless = keyed
            ofFresh = keyOfFresh.map { key in
                guard key >= 0 else {
                    keyless += 1
                    return Int32(keyless - 1)
                }
                return groupOfKey[Int(key)]
            }
            count = keyless
        }

        /// Group `g`'s 户号 (nil: none).
        func id(_ g: Int) -> ArraySlice<UInt8>? {
            if g < cached { return ids.isNull(g) ? nil : ids.bytes(g) }
            return g < keyed ? freshKeys[newKeys[g - cached]][...] : nil
        }

        /// Group `g`'s 户号 as the order compares them (`g < keyed`).
        func key(_ g: Int) -> PackedKey {
            var fits = true
            return PackedKey(bytes: id(g) ?? [], fits: &fits)
        }
    }
}

/// The cached household entries a patch starts from, each taken once, by the thread
/// that uses it up, so that it is freed as soon as that thread is done with it.
final class CachedHouseholds: @unchecked Sendable {
    var ids: [UInt8]?
    var of: [UInt8]?
    var order: [UInt8]?
    var relations: [UInt8]?

    /// The entries `HouseholdIndex.idsEntry`, `cacheIntegers[0]`, `cacheIntegers[2]` and
    /// `relationsEntry`.
    init(ids: [UInt8], of: [UInt8], order: [UInt8], relations: [UInt8]) {
        (self.ids, self.of, self.order, self.relations) = (ids, of, order, relations)
    }

    func take(_ entry: ReferenceWritableKeyPath<CachedHouseholds, [UInt8]?>) -> [UInt8]? {
        defer { self[keyPath: entry] = nil }
        return self[keyPath: entry]
    }
}
