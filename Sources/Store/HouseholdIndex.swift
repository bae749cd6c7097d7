internal import Datasets

/// The households of the residents' rows: each row's household (codes in order of first
/// appearance), each household's 户号, the row standing for it (the first 户主, else the first
/// member) and the households in ascending 户号 (those without one, if any, last). Computed from
/// the rows, or read back from the column cache.
struct HouseholdIndex {
    var householdOf: [Int32]
    var ids: [String?]
    var heads: [Int32]
    var order: [Int32]

    static let head = "户主"

    init<Key: Hashable & Comparable>(_ householdKeys: [Key?], relations: [String?], name: (Key) -> String) {
        self.init(householdKeys, isHead: relations.map { $0 == Self.head }, name: name)
    }

    init<Key: Hashable & Comparable>(_ householdKeys: [Key?], isHead: [Bool], name: (Key) -> String) {
        let count = householdKeys.count
        var householdOf = [Int32](repeating: 0, count: count)
        var distinct: [Key?] = []
        var codes: [Key: Int32] = [:]
        codes.reserveCapacity(count / 2)
        for row in 0..<count {
            let id = householdKeys[row]
            if let id, let code = codes[id] {
                householdOf[row] = code
            } else {
                let code = Int32(distinct.count)
                distinct.append(id)
                if let id { codes[id] = code }
                householdOf[row] = code
            }
        }
        let order = distinct.indices.sorted { a, b in
            switch (distinct[a], distinct[b]) {
            case (let x?, let y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a < b
            }
        }.map { Int32($0) }
        self.init(householdOf: householdOf, ids: distinct.map { $0.map(name) }, order: order, isHead: isHead)
    }

    init(_ householdKeys: [PackedKey?], relations: [String?]) {
        self.init(householdKeys, isHead: relations.map { $0 == Self.head })
    }

    /// The same for 户号 packed into integers (see `PackedKey`) and whether each row is a 户主.
    init(_ householdKeys: [PackedKey?], isHead: [Bool]) {
        let groups = PackedHouseholds(count: householdKeys.count) { householdKeys[$0] }
        self.init(
            householdOf: groups.householdOf, ids: groups.keys.indices.map { groups.none[$0] ? nil : groups.keys[$0].text },
            order: groups.ascending, isHead: isHead
        )
    }

    private init(householdOf: [Int32], ids: [String?], order: [Int32], isHead: [Bool]) {
        heads = Self.heads(householdOf: householdOf, households: ids.count, isHead: isHead)
        self.order = order
        self.ids = ids
        self.householdOf = householdOf
    }

    /// Each household's head: its first 户主, else its first member (rows in order), found in one
    /// pass (grouping the rows first held two more integers a row).
    static func heads(householdOf: [Int32], households: Int, isHead: [Bool]) -> [Int32] {
        heads(rows: householdOf.count, households: households, isHead: isHead) { Int(householdOf[$0]) }
    }

    /// The same for rows `0..<rows` whose households are asked one at a time.
    static func heads(rows: Int, households: Int, isHead: [Bool], household: (Int) -> Int) -> [Int32] {
        var first = [Int32](repeating: -1, count: households)
        var head = [Int32](repeating: -1, count: households)
        for row in 0..<rows {
            let h = household(row)
            if first[h] < 0 { first[h] = Int32(row) }
            if head[h] < 0, isHead[row] { head[h] = Int32(row) }
        }
        return zip(head, first).map { $0 >= 0 ? $0 : max($1, 0) }
    }

    /// Relations as codes into `strings` (rows whose validity bit is clear have none): the
    /// relations cache entry, and whether each row is a 户主. No `String` is hashed per row.
    /// With `rows`, the entry's rows are these rows of `codes` (a first load's, in file order).
    static func relations(
        codes: [Int64], validity: [UInt64], strings: [String], rows: [Int32]? = nil
    ) -> (entry: [UInt8], isHead: [Bool]) {
        let headCode = strings.firstIndex(of: head).map(Int64.init) ?? -1
        let isHead = (0..<(rows?.count ?? codes.count)).map { i in
            let row = rows.map { Int($0[i]) } ?? i
            return validity[row >> 6] & (1 << UInt64(row & 63)) != 0 && codes[row] == headCode
        }
        let entry = ColumnCacheCodec.encode(
            codes: codes, validity: validity, count: rows?.count ?? codes.count, kind: 4, strings: strings, rows: rows
        )
        return (entry, isHead)
    }

    static let idsEntry = ":household_ids"
    static let cacheTexts = [idsEntry]
    static let cacheIntegers = [":household_of", ":household_heads", ":household_order"]
    /// Each row's relation (dictionary-coded), kept for an import that patches the entries.
    static let relationsEntry = ":relations"

    /// The resident keys and 户号 lists as cache entries.
    func cacheTexts(keys: [String]) -> [String: [String?]] {
        [ColumnCache.keys: keys.map { Optional($0) }, Self.idsEntry: ids]
    }

    var cacheIntegers: [String: [Int32]] {
        Dictionary(uniqueKeysWithValues: zip(Self.cacheIntegers, [householdOf, heads, order]))
    }

    /// Read back from the cache; nil if an entry is missing or inconsistent.
    init?(cached hit: ColumnCache.Hit) {
        guard let ids = hit.texts[Self.idsEntry], let keys = hit.strings[ColumnCache.keys] else { return nil }
        let arrays = Self.cacheIntegers.map { hit.integers[$0] }
        guard let of = arrays[0], let heads = arrays[1], let order = arrays[2], of.count == keys.count,
              heads.count == ids.count, order.count == ids.count,
              of.allSatisfy({ 0 <= $0 && $0 < ids.count }), heads.allSatisfy({ 0 <= $0 && $0 < keys.count }),
              order.allSatisfy({ 0 <= $0 && $0 < ids.count }) else { return nil }
        self.householdOf = of.map { Int32($0) }
        self.ids = ids
        self.heads = heads.map { Int32($0) }
        self.order = order.map { Int32($0) }
    }
}
