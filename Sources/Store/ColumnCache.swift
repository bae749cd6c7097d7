internal import Datasets
internal import Foundation
internal import GRDB
internal import GRDBSQLite

/// The column cache (`column_cache`, migration v6): the engine's columns of one kind of record,
/// as `PartReader` reads them from the table (active rows in its order), stored one blob
/// per column, so that a run, a trial or a what-if after the first reads a few blobs instead of
/// every row again (at 1 M residents: seconds of row-by-row reading).
///
/// Validity: a kind's entries are tagged with its generation, the id of its latest import (any
/// status): only imports change profile rows, and each one that could adds an `imports` row, so
/// entries of an older generation are never read. A migration that changes profile rows must
/// clear the cache. A field's entry also names how its cells were read (`CellKind`): a field
/// whose type changed in the schema is read from the table again.
struct ColumnCache: Sendable {
    static let keys = ":key"
    static let holders = ":holder"

    struct Entry: Sendable {
        var kind: DatasetKind
        var generation: Int64
        var name: String
        var bytes: [UInt8]
    }

    /// What a read found: the requested fields as a table, and the structure entries asked for.
    struct Hit {
        var table: ColumnTable
        /// Keys and holders (`keys`, `holders`); the keys as bytes too (`idBytes[keys]`).
        var strings: [String: [String]]
        var idBytes: [String: IDBytes] = [:]
        var texts: [String: [String?]]
        var integers: [String: [Int64]]
        /// The entries a `CacheDelta` was applied to make, to save as this generation's cache
        /// (none when the read left some of the cache's fields out).
        var patched: [Entry] = []
    }

    let kind: DatasetKind
    let generation: Int64
    /// The requested fields the schema has, in schema order.
    let specs: [FieldSpec]

    let schema: Schema

    init(kind: DatasetKind, schema: Schema, request: ColumnRequest, _ db: Database) throws {
        self.init(kind: kind, schema: schema, request: request, generation: try Self.generation(of: kind, db))
    }

    /// The same for a known generation (an import's own, before it commits).
    init(kind: DatasetKind, schema: Schema, request: ColumnRequest, generation: Int64) {
        self.kind = kind
        self.schema = schema
        let wanted = request.fields[kind] ?? []
        specs = schema.fields.filter { wanted.contains($0.name) }
        self.generation = generation
    }

    static func generation(of kind: DatasetKind, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM imports WHERE kind = ?", arguments: [kind.rawValue]) ?? 0
    }

    /// The generation before import `importID`'s (the previous import of `kind`): the one whose
    /// stored-rows snapshot describes the table as the import finds it, and whose column cache
    /// (or `CacheDelta`) its own starts from.
    static func generation(of kind: DatasetKind, before importID: Int64, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT max(id) FROM imports WHERE kind = ? AND id < ?", arguments: [kind.rawValue, importID])
    }

    static let fieldPrefix = "f:"

    static func fieldEntry(_ spec: FieldSpec) -> String { "\(fieldPrefix)\(spec.name):\(CellKind(spec.type).code)" }

    /// The requested fields and the structure entries `structure` (text lists, or integers for
    /// the names `HouseholdIndex.cacheIntegers` lists), when all are cached for this generation
    /// with one row count; nil otherwise. Text codes are added to `dictionary`.
    func read(_ structure: [String], into dictionary: inout TextDictionary, _ db: Database) throws -> Hit? {
        guard generation > 0 else { return nil }
        let integerNames = Set(HouseholdIndex.cacheIntegers)
        let fields = Dictionary(specs.map { (Self.fieldEntry($0), $0) }, uniquingKeysWith: { a, _ in a })
        let wanted = Set(structure).union(fields.keys)
        // The blobs are read out of SQLite (`CacheEntryReader`: not gathered into SQLite's own
        // buffer first) and decoded side by side: decoding one after the other, the residents'
        // reader was the load's last 0.2 s on one core at 1 M residents while the other core waited.
        // After a night, the entries are an earlier generation's and the night's `CacheDelta`:
        // the delta is applied here, in memory, and the result saved after the read.
        let delta = try CacheDelta.recorded(kind: kind, generation: generation, db)
        let needed = delta == nil ? wanted : wanted.union(CacheDelta.structure(of: kind))
        var found: [(name: String, bytes: [UInt8])] = []
        let statement = try db.makeStatement(sql: "SELECT name, rowid FROM column_cache WHERE kind = ? AND generation = ?")
        try statement.setArguments([kind.rawValue, delta?.base ?? generation])
        let handle = statement.sqliteStatement
        var unread = false
        while sqlite3_step(handle) == SQLITE_ROW {
            guard let name = PartReader.text(handle, 0) else { continue }
            guard needed.contains(name) else {
                unread = unread || name.hasPrefix(Self.fieldPrefix)
                continue
            }
            guard let bytes = CacheEntryReader.bytes(rowid: sqlite3_column_int64(handle, 1), db), !bytes.isEmpty else { continue }
            found.append((name, bytes))
        }
        var patched: [Entry] = []
        if let delta {
            var base = Dictionary(found, uniquingKeysWith: { a, _ in a })
            found = []
            guard let made = try ColumnCachePatch(schema: schema, fields: specs).apply(delta, to: &base, db) else { return nil }
            found = made.filter { wanted.contains($0.key) }.map { ($0.key, $0.value) }
            // Saved only when they are the whole cache: a read of fewer fields than the cache
            // holds (a trial of one policy) leaves the delta for the next read, rather than
            // saving a cache without the other fields.
            if !unread { patched = made.map { Entry(kind: kind, generation: generation, name: $0.key, bytes: $0.value) } }
        }
        guard Set(found.map(\.name)) == wanted, found.count == wanted.count else { return nil }
        let entries = found
        let decoded = parallelMap(entries.count) { index -> Decoded in
            let (name, bytes) = entries[index]
            return bytes.withUnsafeBytes { bytes in
                if fields[name] != nil || integerNames.contains(name) {
                    return ColumnCacheCodec.decodeIntegers(bytes).map { .integers($0) } ?? .damaged
                }
                if name == Self.keys || name == Self.holders {
                    let decoded = ColumnCacheCodec.decodeStrings(bytes, withIDs: name == Self.keys)
                    return decoded.map { .strings($0.strings, $0.ids) } ?? .damaged
                }
                return ColumnCacheCodec.decodeTexts(bytes).map { .texts($0) } ?? .damaged
            }
        }
        var strings: [String: [String]] = [:]
        var idBytes: [String: IDBytes] = [:]
        var texts: [String: [String?]] = [:]
        var integers: [String: [Int64]] = [:]
        var columns: [(entry: String, column: ColumnCacheCodec.IntegerColumn)] = []
        for (entry, value) in zip(entries, decoded) {
            switch value {
            case .damaged: return nil
            case .strings(let list, let ids):
                strings[entry.name] = list
                idBytes[entry.name] = ids
            case .texts(let list): texts[entry.name] = list
            case .integers(let column) where fields[entry.name] != nil: columns.append((entry.name, column))
            case .integers(let column): integers[entry.name] = column.values
            }
        }
        let rows = strings[Self.keys]?.count ?? strings[Self.holders]?.count ?? 0
        // Each text column's own codes as the shared dictionary's (added to it here, in entry
        // order), then every column renumbered side by side.
        var globals: [[Int64]] = []
        for (entry, column) in columns {
            guard let spec = fields[entry], column.values.count == rows, column.kind == CellKind(spec.type).code else { return nil }
            globals.append(column.dictionary.map { $0.map { dictionary.code($0) } } ?? [])
        }
        let pending = columns, codes = globals
        let loaded = parallelMap(pending.count) { index -> LoadedColumn? in
            let (entry, column) = pending[index]
            guard let spec = fields[entry] else { return nil }
            var values = column.values
            if column.dictionary != nil {
                let global = codes[index]
                let ok = values.withUnsafeMutableBufferPointer { values in
                    column.validity.withUnsafeBufferPointer { valid in
                        for row in 0..<min(rows, values.count) where valid[row >> 6] & (1 << UInt64(row & 63)) != 0 {
                            let local = Int(values[row])
                            guard local >= 0, local < global.count else { return false }
                            values[row] = global[local]
                        }
                        return true
                    }
                }
                guard ok else { return nil }
            }
            return LoadedColumn(name: spec.name, type: spec.type, values: values, validity: column.validity)
        }
        var table: [String: LoadedColumn] = [:]
        for column in loaded {
            guard let column else { return nil }
            table[column.name] = column
        }
        return Hit(
            table: ColumnTable(count: rows, columns: table), strings: strings, idBytes: idBytes, texts: texts, integers: integers,
            patched: patched
        )
    }

    /// One cache entry decoded.
    private enum Decoded: Sendable {
        case integers(ColumnCacheCodec.IntegerColumn)
        case strings([String], IDBytes?)
        case texts([String?])
        case damaged
    }

    /// Entries for a table just read (its fields, `texts` and `integers`), to save after the read.
    /// With `rows`, the fields' entries hold these rows of the table's columns, in this order.
    func entries(
        _ table: ColumnTable, dictionary: TextDictionary, texts: [String: [String?]], integers: [String: [Int32]],
        rows: [Int32]? = nil
    ) -> [Entry] {
        guard generation > 0 else { return [] }
        var out: [Entry] = []
        for spec in specs {
            guard let column = table.columns[spec.name] else { continue }
            let kind = CellKind(spec.type)
            let bytes = column.cacheBytes(
                count: rows?.count ?? table.count, kind: kind.code, dictionary: kind == .text ? dictionary : nil, rows: rows
            )
            out.append(Entry(kind: self.kind, generation: generation, name: Self.fieldEntry(spec), bytes: bytes))
        }
        for (name, list) in texts {
            out.append(Entry(kind: kind, generation: generation, name: name, bytes: ColumnCacheCodec.encode(texts: list)))
        }
        for (name, values) in integers {
            out.append(Entry(kind: kind, generation: generation, name: name, bytes: ColumnCacheCodec.encode(present: values, kind: 0)))
        }
        return out
    }

    /// One entry of encoded `bytes` (none before the kind's first import).
    func entry(_ name: String, bytes: [UInt8]) -> [Entry] {
        generation > 0 ? [Entry(kind: kind, generation: generation, name: name, bytes: bytes)] : []
    }

    /// Writes `entries` for the kinds whose generation is still current (an import may have
    /// committed since they were read), dropping older generations' entries.
    static func save(_ entries: [Entry], _ db: Database) throws {
        for (kind, group) in Dictionary(grouping: entries, by: \.kind) {
            guard let generation = group.first?.generation, try Self.generation(of: kind, db) == generation else { continue }
            // The new entries first, the other generations' after (see `schema`).
            let writer = try CacheEntryWriter(db)
            for entry in group {
                try writer.write(kind: kind.rawValue, name: entry.name, generation: generation, bytes: entry.bytes)
            }
            try Self.dropOthers(kind: kind, generation: generation, db)
        }
    }

    /// Drops every entry of `kind` but `generation`'s, and its `CacheDelta` (the generation's
    /// cache has just been written whole).
    static func dropOthers(kind: DatasetKind, generation: Int64, _ db: Database) throws {
        try db.execute(
            sql: "DELETE FROM column_cache WHERE kind = ? AND (generation <> ? OR name = ?)",
            arguments: [kind.rawValue, generation, CacheDelta.entry]
        )
    }

    /// The generation is part of the key so that a new generation's entries are written beside
    /// the old ones and those deleted after (`save`). Replacing an entry of
    /// the same name freed its pages first and the new blob reused them, so every page of the old
    /// cache was copied into the rollback journal before being overwritten: a night at 1 M
    /// residents journaled 136.7 MB (33,300 pages, strace). Written beside, the new blobs take
    /// pages that held nothing at the start of the transaction (free since an earlier one, or past
    /// the file's end), which SQLite does not journal, and the old ones are only freed.
    static let schema = """
        CREATE TABLE column_cache (
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            generation INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (kind, generation, name)
        )
        """
}
