public import Datasets
internal import Dispatch
internal import GRDB
internal import GRDBSQLite

/// Loading columns for the columnar engine: only the fields asked for, of active rows, into
/// typed buffers with validity bitmaps (see `LoadedColumn`), populations in ascending id order.
extension ProfileStore {
    /// Columns come from the column cache when it was built from the same imports (see
    /// `ColumnCache`), else from the tables, after which the cache is refreshed (best effort: a
    /// store that cannot be written, or that an import changed meanwhile, keeps its cache).
    ///
    /// The residents are read on one connection while the licences and enterprises are read on
    /// another. Each read is its own snapshot, so afterwards every kind's generation (its latest
    /// import) is checked again: unchanged, the parts are exactly the store as it is then; if an
    /// import committed in between, everything is read again in one snapshot.
    public func loadColumns(_ request: ColumnRequest) throws -> ColumnSet {
        try guarded("装载数据列") {
            var parts = try readParts(request, concurrently: true)
            let current = try pool.read { db in try parts.kinds.map { try ColumnCache.generation(of: $0, db) } }
            if current != parts.kinds.map({ parts.generations[$0] ?? -1 }) {
                parts = try readParts(request, concurrently: false)
            }
            // The cache is written in the background (0.5 s at 1 M residents, on the first run
            // after a first load) while the caller evaluates; later writes queue behind it, and
            // the store waits for it before it goes away. Best effort, as before: a failure
            // leaves the cache stale.
            let pending = parts.pending
            if !pending.isEmpty {
                background.enter()
                let background = background
                pool.asyncWrite({ db in try ColumnCache.save(pending.flatMap { $0() }, db) }, completion: { _, _ in background.leave() })
            }
            return try parts.assemble()
        }
    }

    private func readParts(_ request: ColumnRequest, concurrently: Bool) throws -> ColumnParts {
        let schemas = schemas
        let residents = request.subjects.contains("居民") || request.subjects.contains("家庭")
        let enterprises = request.subjects.contains("企业")
        @Sendable func readOthers(_ db: Database) throws -> (PartReader, LicenceRows, EnterpriseRows?) {
            var reader = PartReader(schemas: schemas, request: request)
            let licences = try reader.licences(db)
            let firms = enterprises ? try reader.enterprises(db) : nil
            return (reader, licences, firms)  // the reader after both reads: its dictionary holds theirs
        }
        @Sendable func readResidents(_ db: Database) throws -> (PartReader, ResidentRows) {
            var reader = PartReader(schemas: schemas, request: request)
            let rows = try reader.residents(db)
            return (reader, rows)
        }
        var parts = ColumnParts(request: request)
        func add(_ own: (PartReader, ResidentRows)?, _ others: (PartReader, LicenceRows, EnterpriseRows?)) {
            if let own {
                parts.residents = own.1
                parts.add(own.0)
            }
            parts.licences = others.1
            parts.enterprises = others.2
            parts.add(others.0)
        }
        if !residents {
            add(nil, try pool.read(readOthers))
        } else if concurrently {
            let pool = pool
            let (own, others) = try ConcurrentPair.run({ try pool.read(readResidents) }, { try pool.read(readOthers) })
            add(own, others)
        } else {
            let (own, others) = try pool.read { db in (try readResidents(db), try readOthers(db)) }
            add(own, others)
        }
        return parts
    }
}

/// What the readers found, merged: one text dictionary (the first reader's, the others'
/// codes renumbered into it), each kind's generation, the cache entries to write.
struct ColumnParts {
    let request: ColumnRequest
    var residents: ResidentRows?
    var licences = LicenceRows(table: ColumnTable(count: 0, columns: [:]), holders: [])
    var enterprises: EnterpriseRows?
    var dictionary: TextDictionary?
    var generations: [DatasetKind: Int64] = [:]
    var pending: [@Sendable () -> [ColumnCache.Entry]] = []

    init(request: ColumnRequest) { self.request = request }

    var kinds: [DatasetKind] { DatasetKind.allCases.filter { generations[$0] != nil } }

    /// Takes in a reader's dictionary, generations and entries (its tables must be set first).
    /// The residents' reader always comes first, so only licences and enterprises are renumbered.
    mutating func add(_ reader: PartReader) {
        // Residents' codes are never renumbered: a later reader of residents would corrupt them.
        precondition(dictionary == nil || reader.generations[.residents] == nil, "居民数据列须由第一个读取器装载（字典编码不重排）")
        generations.merge(reader.generations) { _, new in new }
        pending += reader.pending
        guard let existing = dictionary else {
            dictionary = reader.dictionary
            return
        }
        var merged = existing
        let codes = reader.dictionary.strings.map { merged.code($0) }
        dictionary = merged
        if reader.generations[.licences] != nil { licences.table = licences.table.recoded(codes) }
        if reader.generations[.enterprises] != nil, let rows = enterprises {
            enterprises = EnterpriseRows(keys: rows.keys, table: rows.table.recoded(codes), keyBytes: rows.keyBytes)
        }
    }

    /// The populations: 居民 and 家庭 from the residents and their households, 企业, each with
    /// the licences it holds (none at all, nil, when licences were never imported). Independent
    /// pieces run side by side (at 1 M residents this took a quarter of a cached run's load).
    func assemble() throws -> ColumnSet {
        // Before any licence import, licences are missing data: no population gets a (empty) list.
        let licencesKnown = (generations[.licences] ?? 0) > 0
        let request = request, residents = residents, enterprises = enterprises, holders = licences.holders
        @Sendable func firms() -> SubjectColumns? {
            enterprises.map { rows in
                SubjectColumns(
                    subject: "企业", ids: rows.keys, fields: rows.table, members: .empty(count: rows.keys.count),
                    licences: licencesKnown ? PartReader.join(rows.keys, holders) : nil, idBytes: rows.keyBytes
                )
            }
        }
        var subjects: [String: SubjectColumns] = [:]
        if let rows = residents {
            let index = rows.households
            let (grouped, own) = try ConcurrentPair.run(
                { PartReader.group(index.householdOf, groups: index.ids.count) },
                { licencesKnown ? PartReader.join(rows.keys, holders) : nil }
            )
            let (people, families) = try ConcurrentPair.run({ () -> (SubjectColumns?, SubjectColumns?) in
                let people = request.subjects.contains("居民") ? SubjectColumns(
                    subject: "居民", ids: rows.keys, fields: rows.table, members: grouped.gathering(index.householdOf), licences: own,
                    idBytes: rows.keyBytes
                ) : nil
                return (people, firms())
            }, { () -> SubjectColumns? in
                guard request.subjects.contains("家庭") else { return nil }
                let standing = index.order.map { index.heads[Int($0)] }
                return SubjectColumns(
                    subject: "家庭", ids: index.order.map { index.ids[Int($0)] ?? "" }, fields: rows.table.gathering(standing),
                    members: grouped.gathering(index.order), licences: own?.gathering(standing)
                )
            })
            subjects["居民"] = people.0
            subjects["企业"] = people.1
            subjects["家庭"] = families
        } else {
            subjects["企业"] = firms()
        }
        return ColumnSet(
            dictionary: dictionary ?? TextDictionary(), subjects: subjects, residents: residents?.table ?? ColumnTable(count: 0, columns: [:]),
            licences: licences.table
        )
    }
}

struct ResidentRows: Sendable {
    var keys: [String]
    var table: ColumnTable
    var households: HouseholdIndex
    /// `keys` as bytes, when read from the column cache.
    var keyBytes: IDBytes? = nil
}

struct LicenceRows: Sendable {
    var table: ColumnTable
    /// Each row's holder (rows ordered by holder, then licence number).
    var holders: [String]
}

struct EnterpriseRows: Sendable {
    var keys: [String]
    var table: ColumnTable
    /// `keys` as bytes, when read from the column cache.
    var keyBytes: IDBytes? = nil
}

/// Reads kinds of record in one snapshot, from the column cache or the tables, with its own
/// text dictionary.
struct PartReader: Sendable {
    let schemas: SchemaSet
    let request: ColumnRequest
    var dictionary = TextDictionary()
    /// `dictionary`'s codes by the texts' bytes (see `ByteCodes`).
    private var byteCodes = ByteCodes()
    var generations: [DatasetKind: Int64] = [:]
    /// Cache entries to write after the read (kinds read from their tables), encoded by the
    /// background write rather than on the read's critical path.
    var pending: [@Sendable () -> [ColumnCache.Entry]] = []

    init(schemas: SchemaSet, request: ColumnRequest) {
        self.schemas = schemas
        self.request = request
    }

    /// A hit made with a `CacheDelta` applied is saved as the generation's cache.
    private mutating func saving(_ hit: ColumnCache.Hit) {
        guard !hit.patched.isEmpty else { return }
        let entries = hit.patched
        pending.append { entries }
    }

    mutating func enterprises(_ db: Database) throws -> EnterpriseRows {
        let schema = schemas.enterprises
        let cache = try ColumnCache(kind: .enterprises, schema: schema, request: request, db)
        generations[.enterprises] = cache.generation
        if let hit = try cache.read([ColumnCache.keys], into: &dictionary, db), let keys = hit.strings[ColumnCache.keys] {
            saving(hit)
            return EnterpriseRows(keys: keys, table: hit.table, keyBytes: hit.idBytes[ColumnCache.keys])
        }
        let read = try read(schema, extra: [], db)
        let dictionary = dictionary
        pending.append { cache.entries(read.table, dictionary: dictionary, texts: [ColumnCache.keys: read.keys], integers: [:]) }
        return EnterpriseRows(keys: read.keys, table: read.table)
    }

    /// Active licences ordered by holder.
    mutating func licences(_ db: Database) throws -> LicenceRows {
        let cache = try ColumnCache(kind: .licences, schema: schemas.licences, request: request, db)
        generations[.licences] = cache.generation
        if let hit = try cache.read([ColumnCache.holders], into: &dictionary, db), let holders = hit.strings[ColumnCache.holders] {
            saving(hit)
            return LicenceRows(table: hit.table, holders: holders)
        }
        let (keys, table, extra, _) = try read(schemas.licences, extra: ["holder_id"], db, order: "holder_id")
        // The licence numbers too, which no run reads: an import patches the entries by them.
        let dictionary = dictionary, holders = extra[0]
        pending.append {
            cache.entries(table, dictionary: dictionary, texts: [ColumnCache.holders: holders, ColumnCache.keys: keys.map { Optional($0) }], integers: [:])
        }
        return LicenceRows(table: table, holders: extra[0].map { $0 ?? "" })
    }

    mutating func residents(_ db: Database) throws -> ResidentRows {
        let cache = try ColumnCache(kind: .residents, schema: schemas.residents, request: request, db)
        generations[.residents] = cache.generation
        let structure = [ColumnCache.keys] + HouseholdIndex.cacheTexts + HouseholdIndex.cacheIntegers
        if let hit = try cache.read(structure, into: &dictionary, db), let keys = hit.strings[ColumnCache.keys],
           let households = HouseholdIndex(cached: hit) {
            saving(hit)
            return ResidentRows(keys: keys, table: hit.table, households: households, keyBytes: hit.idBytes[ColumnCache.keys])
        }
        // 户号 packed into integers when they fit (they do: H + 15 digits), else as text.
        let packedRead = try read(schemas.residents, extra: ["household_id", "relation"], db, packing: 0)
        let keys: [String], table: ColumnTable, households: HouseholdIndex, relations: [String?]
        if let packed = packedRead.packed {
            (keys, table, relations) = (packedRead.keys, packedRead.table, packedRead.extra[1])
            households = HouseholdIndex(packed, relations: relations)
        } else {
            let (k, t, extra, _) = try read(schemas.residents, extra: ["household_id", "relation"], db)
            (keys, table, relations) = (k, t, extra[1])
            households = HouseholdIndex(extra[0], relations: relations) { $0 }
        }
        let dictionary = dictionary, index = households
        pending.append {
            cache.entries(table, dictionary: dictionary, texts: index.cacheTexts(keys: keys), integers: index.cacheIntegers)
                // Each row's relation, which no run reads: an import patching the entries
                // recomputes the households' heads from it.
                + cache.entry(HouseholdIndex.relationsEntry, bytes: ColumnCacheCodec.encode(codedTexts: relations))
        }
        return ResidentRows(keys: keys, table: table, households: households)
    }

    /// Rows (`0..<groups.count`) grouped by their group, in row order within a group.
    static func group(_ groupOf: [Int32], groups: Int) -> RelatedRows {
        var offsets = [Int32](repeating: 0, count: groups + 1)
        for group in groupOf { offsets[Int(group) + 1] += 1 }
        for i in 0..<groups { offsets[i + 1] += offsets[i] }
        var next = offsets
        var rows = [Int32](repeating: 0, count: groupOf.count)
        for (row, group) in groupOf.enumerated() {
            rows[Int(next[Int(group)])] = Int32(row)
            next[Int(group)] += 1
        }
        return RelatedRows(offsets: offsets, rows: rows)
    }

    /// For entities with ascending `keys`, the licence rows (ordered by holder) each holds.
    /// Swift's `<` on these ASCII ids is SQLite's BINARY order. The keys are joined in two
    /// halves side by side (a million string comparisons are 20 ms of every run on one core).
    static func join(_ keys: [String], _ holders: [String]) -> RelatedRows {
        let middle = keys.count / 2
        let halves = parallelMap(2) { half -> (offsets: [Int32], rows: [Int32]) in
            let range = half == 0 ? 0..<middle : middle..<keys.count
            // The second half's first holder: the first not below its first key.
            var j = 0
            if half == 1, let first = range.first {
                var high = holders.count
                while j < high {
                    let mid = (j + high) / 2
                    if holders[mid] < keys[first] { j = mid + 1 } else { high = mid }
                }
            }
            var offsets: [Int32] = []
            offsets.reserveCapacity(range.count)
            var rows: [Int32] = []
            for key in keys[range] {
                while j < holders.count, holders[j] < key { j += 1 }
                while j < holders.count, holders[j] == key {
                    rows.append(Int32(j))
                    j += 1
                }
                offsets.append(Int32(rows.count))
            }
            return (offsets, rows)
        }
        let shift = Int32(halves[0].rows.count)
        return RelatedRows(offsets: [0] + halves[0].offsets + halves[1].offsets.map { $0 + shift }, rows: halves[0].rows + halves[1].rows)
    }

    /// The active rows of `schema`'s table in key order (or `order`): keys, the requested
    /// columns, and the `extra` columns as text.
    /// With `packing`, that extra column is returned as `PackedKey`s instead (nil if some
    /// value is longer than 16 bytes).
    private mutating func read(
        _ schema: Schema, extra: [String], _ db: Database, order: String? = nil, packing: Int? = nil
    ) throws -> (keys: [String], table: ColumnTable, extra: [[String?]], packed: [PackedKey?]?) {
        let wanted = request.fields[schema.kind] ?? []
        let specs = schema.fields.filter { wanted.contains($0.name) }
        let key = ColumnMapping.quote(schema.key.name)
        let columns = ([key] + extra.map(ColumnMapping.quote) + specs.map { ColumnMapping.quote($0.name) }).joined(separator: ", ")
        let table = ColumnMapping.quote(schema.kind.rawValue)
        // A plain table scan in rowid order, put in key order after by walking the key's index
        // (`IndexOrder`). At 1 M residents: the scan 1.1 s, the index walk 0.2 s; the same scan
        // in key order through SQLite's sorter took 3.1 s, and through the index (a random table
        // read per row) longer still.
        let sql = "SELECT rowid, \(columns) FROM \(table) WHERE active = 1"
        var keys: [String] = []
        var rowids: [Int64] = []
        var extras = [[String?]](repeating: [], count: extra.count)
        var values = [[Int64]](repeating: [], count: specs.count)
        var validity = [[UInt64]](repeating: [], count: specs.count)
        let cells = specs.map { CellKind($0.type) }
        // Straight from the prepared statement (as the import binds): no `Row`, no
        // `DatabaseValue` per cell, dates parsed from SQLite's bytes.
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        var row = 0
        var packed: [PackedKey?] = []
        var fits = true
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw StoreError("装载数据列失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
            }
            rowids.append(sqlite3_column_int64(handle, 0))
            keys.append(Self.text(handle, 1) ?? "")
            for e in extra.indices {
                if e == packing {
                    packed.append(PackedKey(handle, Int32(2 + e), fits: &fits))
                } else {
                    extras[e].append(Self.text(handle, Int32(2 + e)))
                }
            }
            if row & 63 == 0 { for c in specs.indices { validity[c].append(0) } }
            for c in cells.indices {
                if let number = cell(handle, Int32(2 + extra.count + c), cells[c]) {
                    values[c].append(number)
                    validity[c][row >> 6] |= 1 << UInt64(row & 63)
                } else {
                    values[c].append(0)
                }
            }
            row += 1
        }
        var loaded: [String: LoadedColumn] = [:]
        for (c, spec) in specs.enumerated() {
            loaded[spec.name] = LoadedColumn(name: spec.name, type: spec.type, values: values[c], validity: validity[c])
        }
        var rows = ColumnTable(count: row, columns: loaded)
        let primary = try order.map { name -> [String?] in
            guard let index = extra.firstIndex(of: name) else { throw StoreError("装载数据列失败：排序列 \(name) 未读取") }
            return extras[index]
        }
        let ordering = IndexOrder(table: schema.kind.rawValue, column: order ?? schema.key.name)
        if let permutation = try ordering.permutation(rowids: rowids, keys: keys, primary: primary, db) {
            keys = permutation.map { keys[Int($0)] }
            extras = extras.map { column in column.isEmpty ? column : permutation.map { column[Int($0)] } }  // empty: the packed one
            if packing != nil { packed = permutation.map { packed[Int($0)] } }
            rows = rows.gathering(permutation)
        }
        return (keys, rows, extras, packing != nil && fits ? packed : nil)
    }

    static func text(_ handle: OpaquePointer, _ index: Int32) -> String? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, index) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))), as: UTF8.self)
    }

    /// A stored cell as the column's integer, or nil when unknown (NULL, or not of the
    /// column's type: a date that does not parse). Text as `ColumnMapping.fieldValue` reads it.
    private mutating func cell(_ handle: OpaquePointer, _ index: Int32, _ kind: CellKind) -> Int64? {
        guard kind == .text, sqlite3_column_type(handle, index) == SQLITE_TEXT, let text = sqlite3_column_text(handle, index) else {
            return Self.cell(handle, index, kind, dictionary: &dictionary)
        }
        let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index)))
        return byteCodes.code(bytes) { dictionary.code(String(decoding: $0, as: UTF8.self)) }
    }

    static func cell(_ handle: OpaquePointer, _ index: Int32, _ kind: CellKind, dictionary: inout TextDictionary) -> Int64? {
        switch (sqlite3_column_type(handle, index), kind) {
        case (SQLITE_NULL, _): return nil
        case (SQLITE_INTEGER, .bool): return sqlite3_column_int64(handle, index) != 0 ? 1 : 0
        case (SQLITE_INTEGER, .integer): return sqlite3_column_int64(handle, index)
        case (SQLITE_TEXT, .date):
            guard let bytes = sqlite3_column_text(handle, index) else { return nil }
            return Day.parse(utf8: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))))
                .map { Int64($0.daysSinceEpoch) }
        case (_, .integer), (_, .bool), (_, .date): return nil
        case (SQLITE_TEXT, .text): return Self.text(handle, index).map { dictionary.code($0) }
        case (SQLITE_INTEGER, .text): return dictionary.code(String(sqlite3_column_int64(handle, index)))
        case (SQLITE_FLOAT, .text): return dictionary.code(String(sqlite3_column_double(handle, index)))
        default: return dictionary.code("<blob>")
        }
    }
}

/// How a column's cells are read (decided once per column, not per cell).
enum CellKind {
    /// Integers and decimals (integer units).
    case integer
    case bool, date, text

    init(_ type: FieldType) {
        switch type {
        case .integer, .decimal: self = .integer
        case .bool: self = .bool
        case .date: self = .date
        default: self = .text
        }
    }

    /// Recorded with a cached column: a field whose type changes is not read from an old cache.
    var code: UInt8 {
        switch self {
        case .integer: 1
        case .bool: 2
        case .date: 3
        case .text: 4
        }
    }
}

/// An id of at most 16 bytes packed big-endian into two integers, zero-padded: equal ids give
/// equal keys, and keys order as the ids' bytes (SQLite's BINARY order), so grouping and sorting
/// a million 户号 needs no string hashing or comparison. Ids never contain a NUL byte.
struct PackedKey: Hashable, Comparable, MixedHashing {
    var high: UInt64
    var low: UInt64

    /// The cell's key; nil for NULL. Clears `fits` for a value longer than 16 bytes.
    init?(_ handle: OpaquePointer, _ index: Int32, fits: inout Bool) {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        if count > 16 { fits = false }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<16 {
            let byte = i < count ? UInt64(bytes[i]) : 0
            if i < 8 { high = high << 8 | byte } else { low = low << 8 | byte }
        }
        self.high = high
        self.low = low
    }

    /// A key from its two halves, as stored.
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The same key from an id's UTF-8 bytes. Clears `fits` for a value longer than 16 bytes.
    init<Bytes: Collection<UInt8>>(bytes: Bytes, fits: inout Bool) {
        if bytes.count > 16 { fits = false }
        var high: UInt64 = 0, low: UInt64 = 0
        var iterator = bytes.makeIterator()
        for i in 0..<16 {
            let byte = UInt64(iterator.next() ?? 0)
            if i < 8 { high = high << 8 | byte } else { low = low << 8 | byte }
        }
        self.high = high
        self.low = low
    }

    var mixed: UInt64 {
        let m = (high &* 0x9E37_79B9_7F4A_7C15) ^ (low &* 0xC2B2_AE3D_27D4_EB4F)
        return m ^ (m >> 29)
    }

    static func < (a: PackedKey, b: PackedKey) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    var text: String {
        var bytes: [UInt8] = []
        self.bytes(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The id's bytes, in place of what `bytes` held.
    func bytes(into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        for shift in stride(from: 120, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: (shift >= 64 ? high : low) >> UInt64(shift & 63)))
        }
        while bytes.last == 0 { bytes.removeLast() }
    }
}
