internal import Datasets
internal import Foundation
internal import GRDB
internal import GRDBSQLite

/// A kind's column cache with a `CacheDelta` applied: the base generation's entries lose the
/// rows the delta's imports touched; those still active are read back from the table (by rowid,
/// a walk along it: a 1 % night reads 1 % of the rows) and merged in at their place in the
/// cache's order; the residents' households are those of the cached entries with the touched
/// rows moved (`HouseholdsPatch`). The result is what a read from the tables would cache
/// (tested against one).
///
/// Cached keys are compared and copied as bytes, and fields are patched one at a time, each read
/// from its cached entry's bytes and written straight into the new entry's, so that the patch
/// allocates no string per row and decodes no column.
struct ColumnCachePatch {
    let schema: Schema
    /// The fields to patch (each must have a base entry).
    let fields: [FieldSpec]

    /// The patched entries by name: the fields', the structure's (`CacheDelta.structure`) and,
    /// for residents, the households' heads; nil when a base entry is missing or damaged (the
    /// columns are then read from the tables). `base`: the base generation's entries by name; the
    /// households' are taken out of it, so that each is freed once its thread has used it up.
    func apply(_ delta: CacheDelta, to base: inout [String: [UInt8]], _ db: Database) throws -> [String: [UInt8]]? {
        guard CacheDelta.structure(of: schema.kind).allSatisfy({ base[$0] != nil }),
              fields.allSatisfy({ base[ColumnCache.fieldEntry($0)] != nil }) else { return nil }
        let rows = try DeltaRows(schema: schema, fields: fields, delta: delta, db)
        guard let keys = base[ColumnCache.keys].flatMap(TextListView.init) else { return nil }
        let holders = schema.kind == .licences ? base[ColumnCache.holders].flatMap(TextListView.init) : nil
        guard schema.kind != .licences || holders?.count == keys.count else { return nil }
        let sources = Self.mergedOrder(keys: keys, holders: holders, delta: rows)
        // The residents' households are recomputed on a thread of their own (the longest part:
        // 1.3 s at 4 M residents) while this one makes the keys' entry and patches the fields.
        var households: BackgroundTask<[(String, [UInt8])]?>?
        if schema.kind == .residents, let ids = base.removeValue(forKey: HouseholdIndex.idsEntry),
           let of = base.removeValue(forKey: HouseholdIndex.cacheIntegers[0]),
           let order = base.removeValue(forKey: HouseholdIndex.cacheIntegers[2]),
           let relations = base.removeValue(forKey: HouseholdIndex.relationsEntry) {
            let cached = CachedHouseholds(ids: ids, of: of, order: order, relations: relations)
            households = BackgroundTask { [sources, rows] in
                var made: [(String, [UInt8])] = []
                let complete = Self.households(sources, cached, rows) { name, bytes in made.append((name, bytes)) }
                return complete ? made : nil
            }
        }
        var out: [String: [UInt8]] = [ColumnCache.keys: Self.texts(sources, keys, rows.keyBytes.map { Optional($0) })]
        if let holders { out[ColumnCache.holders] = Self.texts(sources, holders, rows.holderBytes) }
        for (f, spec) in fields.enumerated() {
            let entry = ColumnCache.fieldEntry(spec)
            guard let cached = base[entry], let bytes = Self.field(spec, cached, sources, rows, column: f) else { return nil }
            out[entry] = bytes
        }
        if let households {
            guard let made = try households.value() else { return nil }
            for (name, bytes) in made { out[name] = bytes }
        }
        return out
    }

    /// The merged rows in the cache's order (key; licences: holder, NULL first, then key): ≥ 0 a
    /// cached row kept, < 0 the delta row −(j + 1). Cached rows whose key the import touched go.
    private static func mergedOrder(keys: TextListView, holders: TextListView?, delta: DeltaRows) -> [Int32] {
        // Keys ascending (all but the licences'): the touched keys, sorted, are walked beside the
        // cached ones, a comparison a row (hashing each of 4 M cached keys was two thirds of this
        // merge's 0.38 s). The licences' keys ascend within a holder only: found by their bytes
        // in place (`ByteCodes`; a `Dictionary` was slower still).
        var touched = ByteCodes(limit: .max)
        var sortedTouched: [[UInt8]] = []
        if holders == nil {
            sortedTouched = delta.touchedBytes.sorted { $0.lexicographicallyPrecedes($1) }
        } else {
            for (i, key) in delta.touchedBytes.enumerated() {
                _ = key.withUnsafeBufferPointer { touched.code($0) { _ in Int64(i) } }
            }
        }
        var next = 0
        /// Whether the key of cached row `row` was touched; asked once a row, rows ascending.
        func removed(_ row: Int) -> Bool {
            let key = keys.bytes(row)
            guard holders == nil else { return key.withUnsafeBufferPointer { touched.code(of: $0) != nil } }
            while next < sortedTouched.count, precedes(sortedTouched[next], key) { next += 1 }
            return next < sortedTouched.count && sortedTouched[next].elementsEqual(key)
        }
        /// Whether delta row `j` sorts before cached row `row`.
        func before(_ j: Int, _ row: Int) -> Bool {
            if let holders {
                let own = delta.holderBytes[j], other = holders.isNull(row) ? nil : holders.bytes(row)
                switch (own, other) {
                case (nil, .some): return true
                case (.some, nil): return false
                case (let a?, let b?) where !a.elementsEqual(b): return a.lexicographicallyPrecedes(b)
                default: break
                }
            }
            return precedes(delta.keyBytes[j], keys.bytes(row))
        }
        let incoming = delta.keyBytes.indices.sorted { a, b in
            if holders != nil, delta.holderBytes[a] != delta.holderBytes[b] {
                guard let x = delta.holderBytes[a] else { return true }
                guard let y = delta.holderBytes[b] else { return false }
                return x.lexicographicallyPrecedes(y)
            }
            return delta.keyBytes[a].lexicographicallyPrecedes(delta.keyBytes[b])
        }
        var sources: [Int32] = []
        sources.reserveCapacity(keys.count + incoming.count)
        var waiting = 0
        for row in 0..<keys.count where !removed(row) {
            while waiting < incoming.count, before(incoming[waiting], row) {
                sources.append(Int32(-(incoming[waiting] + 1)))
                waiting += 1
            }
            sources.append(Int32(row))
        }
        for j in incoming[waiting...] { sources.append(Int32(-(j + 1))) }
        return sources
    }

    /// Whether `a` sorts before `b` in SQLite's BINARY order (bytes, then length), by `memcmp`:
    /// the generic `lexicographicallyPrecedes` compared a byte at a time, once per cached row.
    private static func precedes(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Bool {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                let common = min(x.count, y.count)
                guard common > 0, let p = x.baseAddress, let q = y.baseAddress else { return x.count < y.count }
                let order = memcmp(p, q, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
    }

    /// The merged rows' texts (`sources` into `cached`, or `fresh`), as a text list.
    private static func texts(_ sources: [Int32], _ cached: TextListView, _ fresh: [[UInt8]?]) -> [UInt8] {
        var out = TextListBuilder(capacity: sources.count, bytes: sources.count * 20)
        forEachRun(sources) { run in
            switch run {
            case .cached(let rows): out.append(rows: rows, of: cached)
            case .fresh(let j): out.append(fresh[j])
            }
        }
        return out.finish()
    }

    private enum Run {
        /// Consecutive cached rows, copied at once.
        case cached(Range<Int>)
        case fresh(Int)
    }

    /// The merged rows as runs of consecutive cached rows and single delta rows, in order (a
    /// slice per row was most of rewriting a million keys).
    private static func forEachRun(_ sources: [Int32], _ body: (Run) throws -> Void) rethrows {
        var i = 0
        while i < sources.count {
            let source = sources[i]
            guard source >= 0 else {
                try body(.fresh(Int(-source - 1)))
                i += 1
                continue
            }
            var end = i + 1
            while end < sources.count, sources[end] == sources[end - 1] + 1 { end += 1 }
            try body(.cached(Int(source)..<(Int(source) + end - i)))
            i = end
        }
    }

    /// The residents' household index and relations entries, recomputed for the merged rows
    /// from the previous generation's entries (`cached`, each let go once used up), each handed to
    /// `emit` as soon as it is made; false when one is damaged (what was emitted is then not to be
    /// used).
    private static func households(
        _ sources: [Int32], _ cached: CachedHouseholds, _ delta: DeltaRows, emit: (_ name: String, _ bytes: [UInt8]) -> Void
    ) -> Bool {
        // The cached entries are read where they lie (`IntegerView`): decoded, the households'
        // numbers and the relations took 8 bytes a row each, and their copies 4 and 8 more.
        var isHead: [Bool] = [], cachedRows = 0
        let related = cached.take(\.relations).map { blob -> Bool in
            guard let (entry, heads, rows) = relationsEntry(sources, blob, delta) else { return false }
            emit(HouseholdIndex.relationsEntry, entry)
            (isHead, cachedRows) = (heads, rows)
            return true
        } ?? false
        guard related, let ids = cached.take(\.ids).flatMap(TextListView.init) else { return false }
        // 户号 of up to 16 bytes (all, as a rule) are compared as the table read's `PackedKey`s;
        // longer ones as text (`HouseholdIndex`).
        let fits = (0..<ids.count).allSatisfy { ids.bytes($0).count <= 16 } && delta.households.allSatisfy { ($0?.utf8.count ?? 0) <= 16 }
        if fits {
            return HouseholdsPatch.entries(
                sources: sources, ids: ids, cached: cached, cachedRows: cachedRows, fresh: delta.households, isHead: &isHead, emit: emit
            )
        }
        guard let ofBlob = cached.take(\.of) else { return false }
        return ofBlob.withUnsafeBytes { ofRaw in
            guard let of = ColumnCacheCodec.IntegerView(ofRaw), of.count == cachedRows,
                  (0..<of.count).allSatisfy({ of.isValid($0) && of.code($0, below: ids.count) >= 0 }) else { return false }
            let texts = (0..<ids.count).map { ids.string($0) }
            let rows = sources.map { $0 >= 0 ? texts[Int(of.value(Int($0)))] : delta.households[Int(-$0 - 1)] }
            let index = HouseholdIndex(rows, isHead: isHead) { $0 }
            emit(HouseholdIndex.idsEntry, ColumnCacheCodec.encode(texts: index.ids))
            for (name, values) in index.cacheIntegers { emit(name, ColumnCacheCodec.encode(present: values, kind: 0)) }
            return true
        }
    }

    /// The relations entry of the merged rows, whether each is a 户主, and how many rows the
    /// cached entry had (nil when it is damaged). Relations stay codes into the cached entry's few
    /// texts (a `String` hashed per row was most of the patch's time at 1 M residents); a new
    /// row's relation not among them is added once.
    private static func relationsEntry(
        _ sources: [Int32], _ relationsBlob: [UInt8], _ delta: DeltaRows
    ) -> (entry: [UInt8], isHead: [Bool], cachedRows: Int)? {
        relationsBlob.withUnsafeBytes { raw in
            guard let cached = ColumnCacheCodec.IntegerView(raw), var strings = cached.dictionary,
                  let validity = validity(sources, cached, present: { delta.relations[$0] != nil }) else { return nil }
            let known = strings.count
            let freshCodes = delta.relations.map { text in
                text.map { text in
                    if let code = strings.firstIndex(of: text) { return code }
                    strings.append(text)
                    return strings.count - 1
                }
            }
            let code = { (row: Int) -> Int in
                let source = Int(sources[row])
                return source >= 0 ? cached.code(source, below: known) : freshCodes[-source - 1] ?? -1
            }
            guard let entry = ColumnCacheCodec.encode(count: sources.count, kind: 4, validity: validity, strings: strings, code: code) else {
                return nil
            }
            let head = strings.firstIndex(of: HouseholdIndex.head) ?? -1
            let isHead = sources.indices.map { row in validity[row >> 6] & (1 << UInt64(row & 63)) != 0 && code(row) == head }
            return (entry, isHead, cached.count)
        }
    }

    /// One cached field in the merged order (nil if its entry is damaged); the delta's text
    /// codes become the column's own. Read from the cached entry's packed bytes and written
    /// straight into the new entry's, with no decoded column between (`IntegerView`; two of
    /// 8 bytes a row were the night's peak: 4 M residents, 365 MiB).
    private static func field(_ spec: FieldSpec, _ blob: [UInt8], _ sources: [Int32], _ delta: DeltaRows, column: Int) -> [UInt8]? {
        let cell = CellKind(spec.type)
        let fresh = delta.values[column]
        return blob.withUnsafeBytes { raw -> [UInt8]? in
            guard let cached = ColumnCacheCodec.IntegerView(raw), cached.kind == cell.code,
                  (cell == .text) == (cached.dictionary != nil),
                  let validity = validity(sources, cached, present: { fresh[$0] != nil }) else { return nil }
            guard let strings = cached.dictionary else {
                return ColumnCacheCodec.encode(count: sources.count, kind: cell.code, validity: validity) { row in
                    let source = Int(sources[row])
                    return source >= 0 ? cached.value(source) : fresh[-source - 1] ?? 0
                }
            }
            // Each delta text is a code of its own after the cached ones, even when the cached
            // dictionary holds it too: the engine maps every entry's texts to its one dictionary
            // as it reads them.
            let known = strings.count
            let all = strings + delta.dictionary.strings
            return ColumnCacheCodec.encode(count: sources.count, kind: cell.code, validity: validity, strings: all) { row in
                let source = Int(sources[row])
                return source >= 0 ? cached.code(source, below: known) : fresh[-source - 1].map { known + Int($0) } ?? -1
            }
        }
    }

    /// The merged rows' validity: a kept row's from the cached entry, delta row `j`'s whether
    /// `present(j)`; nil when a kept row lies outside the entry.
    private static func validity(_ sources: [Int32], _ cached: ColumnCacheCodec.IntegerView, present: (Int) -> Bool) -> [UInt64]? {
        var validity = [UInt64](repeating: 0, count: (sources.count + 63) >> 6)
        for (row, source) in sources.enumerated() {
            if source >= 0 {
                guard Int(source) < cached.count else { return nil }
                guard cached.isValid(Int(source)) else { continue }
            } else {
                guard present(Int(-source - 1)) else { continue }
            }
            validity[row >> 6] |= 1 << UInt64(row & 63)
        }
        return validity
    }
}

/// The rows a delta's imports touched, as they are now if still active: read by rowid, ascending (a
/// walk along the table; by key through its index, 12 k rows of a 1 % night took 0.11 s).
private struct DeltaRows {
    var touchedBytes: [[UInt8]]
    var keyBytes: [[UInt8]] = []
    var holderBytes: [[UInt8]?] = []
    var households: [String?] = []
    var relations: [String?] = []
    /// Per field, per row: the cell as the column's integer (text: a code into `dictionary`).
    var values: [[Int64?]]
    var dictionary = TextDictionary()

    init(schema: Schema, fields: [FieldSpec], delta: CacheDelta, _ db: Database) throws {
        touchedBytes = delta.keys.map { Array($0.utf8) }
        values = Array(repeating: [], count: fields.count)
        let structure: [String] = switch schema.kind {
        case .licences: ["holder_id"]
        case .residents: ["household_id", "relation"]
        default: []
        }
        let columns = ([schema.key.name] + structure + fields.map(\.name)).map(ColumnMapping.quote).joined(separator: ", ")
        let statement = try db.makeStatement(sql: """
            SELECT \(columns) FROM \(ColumnMapping.quote(schema.kind.rawValue))
            WHERE rowid = ? AND active = 1
            """)
        let handle = statement.sqliteStatement
        let cells = fields.map { CellKind($0.type) }
        for rowid in delta.rowids {
            sqlite3_bind_int64(handle, 1, rowid)
            defer { sqlite3_reset(handle) }
            let code = sqlite3_step(handle) & 0xFF
            guard code == SQLITE_ROW else {
                guard code == SQLITE_DONE else {
                    throw StoreError("读取数据列缓存的更新失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                }
                continue  // retired
            }
            guard let key = PartReader.text(handle, 0) else { continue }  // the key column is NOT NULL
            keyBytes.append(Array(key.utf8))
            switch schema.kind {
            case .licences:
                holderBytes.append(PartReader.text(handle, 1).map { Array($0.utf8) })
            case .residents:
                holderBytes.append(nil)
                households.append(PartReader.text(handle, 1))
                relations.append(PartReader.text(handle, 2))
            default:
                holderBytes.append(nil)
            }
            for (f, cell) in cells.enumerated() {
                values[f].append(PartReader.cell(handle, Int32(1 + structure.count + f), cell, dictionary: &dictionary))
            }
        }
    }
}
