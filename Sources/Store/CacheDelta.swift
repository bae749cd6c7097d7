internal import Datasets
internal import GRDB

/// What the imports since a kind's column cache was written changed: the cache's generation
/// (`base`, whose entries stay as they were) and the keys and rows the imports since touched
/// (inserted, updated, re-activated, retired). A night records this small entry (`entry`, at its
/// own generation) instead of rewriting the cache; the next read of the columns applies it in
/// memory (`ColumnCachePatch`, the touched rows read back from the table) and saves the result
/// as the cache of that generation.
///
/// Rewriting the cache in the import was a third of a 1 M-resident night (0.45 of 1.4 s: every
/// entry, 47 MB, read, merged, written beside the old and the old freed) and its memory peak (at
/// 4 M residents 204 MiB, against 55–80 for the rest of the night). The read that applies the
/// delta holds the columns anyway; its save runs in the background while the engine evaluates.
struct CacheDelta: Equatable {
    static let entry = ":delta"

    /// The generation whose entries this delta applies to.
    var base: Int64
    /// The touched keys and each one's row (inserted, updated or retired), ascending by row.
    var keys: [String]
    var rowids: [Int64]

    init(base: Int64, keys: [String] = [], rowids: [Int64] = []) {
        (self.base, self.keys, self.rowids) = (base, keys, rowids)
    }

    /// This delta with `touched`'s keys and rows added (each once).
    func adding(_ touched: TouchedKeys) -> CacheDelta {
        var keys = Set(self.keys)
        keys.formUnion(touched.keys)
        return CacheDelta(base: base, keys: keys.sorted(), rowids: Set(rowids).union(touched.rowids).sorted())
    }

    var bytes: [UInt8] {
        var out = ByteSink()
        out.byte(ColumnCacheCodec.format)
        out.u64(UInt64(bitPattern: base))
        out.textList(keys.map { Optional($0) })
        out.u64(UInt64(rowids.count))
        for rowid in rowids { out.u64(UInt64(bitPattern: rowid)) }
        return out.bytes
    }

    /// The delta in `bytes`; nil when they are damaged (the cache is then read from the tables).
    init?(bytes: [UInt8]) {
        guard let delta = bytes.withUnsafeBytes({ raw -> CacheDelta? in
            var reader = ByteSource(raw)
            guard reader.byte() == ColumnCacheCodec.format, let base = reader.u64(), let keys = reader.textList(),
                  let count = reader.u64(), count <= UInt64(raw.count / 8) else { return nil }
            var rowids: [Int64] = []
            rowids.reserveCapacity(Int(count))
            for _ in 0..<Int(count) {
                guard let rowid = reader.u64() else { return nil }
                rowids.append(Int64(bitPattern: rowid))
            }
            guard reader.atEnd, keys.allSatisfy({ $0 != nil }) else { return nil }
            return CacheDelta(base: Int64(bitPattern: base), keys: keys.compactMap { $0 }, rowids: rowids)
        }) else { return nil }
        self = delta
    }

    /// The delta recorded for `kind` at `generation`, if any (nil too when it is damaged).
    static func recorded(kind: DatasetKind, generation: Int64, _ db: Database) throws -> CacheDelta? {
        guard let rowid = try Int64.fetchOne(db, sql: "SELECT rowid FROM column_cache WHERE kind = ? AND generation = ? AND name = ?",
                                             arguments: [kind.rawValue, generation, entry]),
              let bytes = CacheEntryReader.bytes(rowid: rowid, db) else { return nil }
        return CacheDelta(bytes: bytes)
    }
}

extension CacheDelta {
    /// The entries a delta is applied to, besides the fields: the keys (licences: and holders;
    /// residents: the households' and each row's relation). A cache without one of them is left
    /// stale by the next import, to be read from the tables.
    static func structure(of kind: DatasetKind) -> [String] {
        switch kind {
        case .licences: [ColumnCache.keys, ColumnCache.holders]
        case .residents:
            [ColumnCache.keys, HouseholdIndex.idsEntry, HouseholdIndex.cacheIntegers[0], HouseholdIndex.cacheIntegers[2],
             HouseholdIndex.relationsEntry]
        default: [ColumnCache.keys]
        }
    }

    /// Records import `importID`'s touched keys for its kind's column cache, in the import's
    /// transaction: added to the previous generation's delta (or one against the previous
    /// generation's entries) and saved as this generation's. A rejected import, or one that
    /// touched nothing, changed no row: the previous generation's entries (a delta, or the cache)
    /// are only relabelled. Nothing is recorded — the cache is stale, and the next read rebuilds
    /// it from the tables — when there is no cache to start from, after a first load, or when the
    /// keys touched since the cache was written pass `TouchedKeys.limit`.
    static func record(kind: DatasetKind, importID: Int64, accepted: Bool, touched: TouchedKeys, _ db: Database) throws {
        let name = kind.rawValue
        guard let previous = try ColumnCache.generation(of: kind, before: importID, db) else { return }
        let prior = try recorded(kind: kind, generation: previous, db)
        let base = prior?.base ?? previous
        let present = try Set(String.fetchAll(
            db, sql: "SELECT name FROM column_cache WHERE kind = ? AND generation = ?", arguments: [name, base]
        ))
        guard structure(of: kind).allSatisfy(present.contains) else { return }
        if !accepted || (touched.keys.isEmpty && !touched.overflowed) {
            // An entry the import wrote itself (its stored rows, `StoredRowsSnapshot`) is kept
            // rather than the previous generation's of the same name.
            try db.execute(sql: """
                DELETE FROM column_cache WHERE kind = ?1 AND (generation NOT IN (?2, ?3, ?4)
                    OR generation = ?2 AND name IN (SELECT name FROM column_cache WHERE kind = ?1 AND generation = ?3))
                """, arguments: [name, previous, importID, base])
            try db.execute(
                sql: "UPDATE column_cache SET generation = ? WHERE kind = ? AND generation = ?", arguments: [importID, name, previous]
            )
            return
        }
        guard !touched.overflowed else { return }
        let delta = (prior ?? CacheDelta(base: base)).adding(touched)
        guard delta.keys.count <= TouchedKeys.limit else { return }
        try CacheEntryWriter(db).write(kind: name, name: entry, generation: importID, bytes: delta.bytes)
        // The base's stored rows describe the table before this import (a full extract wrote its own).
        try db.execute(sql: """
            DELETE FROM column_cache WHERE kind = ?1 AND (generation NOT IN (?2, ?3)
                OR generation = ?2 AND (name = ?4 OR name LIKE ?5))
            """, arguments: [name, base, importID, StoredRowsSnapshot.entry, StoredRowsSnapshot.entry + "/%"])
    }
}

/// The keys whose rows an import wrote (inserted, updated, re-activated, retired), for its
/// kind's `CacheDelta`. A first load, or more than `limit` keys, and it keeps none: the cache is
/// then left to the next read to rebuild from the tables.
struct TouchedKeys {
    static let limit = 200_000
    private(set) var keys: [String] = []
    /// Each key's row (inserted, updated or retired), for reading the rows back in table order.
    private(set) var rowids: [Int64] = []
    private(set) var overflowed = false

    mutating func add(_ key: String, rowid: Int64) {
        guard !overflowed else { return }
        if keys.count >= Self.limit {
            overflow()
        } else {
            keys.append(key)
            rowids.append(rowid)
        }
    }

    mutating func overflow() {
        overflowed = true
        keys = []
        rowids = []
    }
}
