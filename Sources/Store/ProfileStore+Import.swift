public import Datasets
internal import GRDB
internal import GRDBSQLite

/// What an upsert did to a profile.
public enum UpsertOutcome: Sendable, Equatable {
    case inserted
    case updated
    case unchanged
}

/// An error an import's body throws to abandon the import's whole transaction, ledger entry
/// included, so that the caller can run it again another way (`performImport` rethrows it as
/// it is, where any other error is recorded as the import's failure).
public protocol RestartImport: Error {}

/// A first load's file repeated a key (`ImportWriter.keyIndexTellsRepeats`): the import is
/// abandoned, and the importer reads the file again telling the repeats of these keys as they
/// come.
public struct RepeatedKeys: RestartImport {
    /// The keys the table held more than once (the file's rows, without those quarantined).
    public var keys: [String]

    public init(keys: [String]) { self.keys = keys }
}

/// Writes the rows of one import inside its transaction. Handed to the pipeline's closure by
/// `ProfileStore.performImport`; it cannot escape.
public final class ImportWriter {
    let db: Database
    public let schema: Schema
    public let importID: Int64
    /// The file being imported, as the user named it.
    public let sourcePath: String
    /// When the table was empty at the start, no row can exist yet: insert without a look-up,
    /// and a key conflict can only be a repeat within this file.
    public let tableWasEmpty: Bool
    let insert: Statement
    /// A first load's insert of `groupRows` rows in one statement: rows are bound as they come
    /// and stepped once per group (`pending`), so SQLite opens its cursor and checks its
    /// transaction once per group, not per row: the writing thread's CPU at a 1 M-resident first
    /// load 4.46–4.72 → 3.77–3.96 s (perf samples, alternating, the same stored rows). `OR FAIL`:
    /// a statement that may fail after writing some of its rows keeps a statement journal (a copy
    /// of the pages it touches) to undo them, where a failing row fails the whole import anyway.
    let groupInsert: Statement?
    static let groupRows = 32
    /// The rows bound to `groupInsert` since its last step: the last, partial group is written
    /// by `insert` one by one.
    private var pending: [(values: FlatValues, start: Int, fingerprint: Int64, rawFingerprint: Int64?)] = []
    let select: Statement
    let selectByRowID: Statement
    let update: Statement
    let recordFingerprint: Statement
    let recordRawFingerprint: Statement
    let recordChange: Statement
    /// A full extract into a populated table: the table's rows, read once into a file of their
    /// own with an index of their keys (see `StoredRowTable`), also read by the reading side.
    /// Otherwise each row is looked up in the key index.
    public let stored: StoredRowTable?
    /// With `stored`: by slot, whether the file contained the key (a bit a slot).
    private var seen: [UInt64] = []
    /// With `stored`: this thread's way through the stored rows, in file order.
    private let cursor: StoredRowCursor?
    /// With `stored`: what this import changed in its rows, for the snapshot it leaves.
    private var edits = StoredRowEdits()
    /// Indexes dropped for a first load into an empty table, recreated by `finish()`.
    private var droppedIndexes: [String] = []
    /// Set by an importer that wrote a first load's rows without looking for repeated keys:
    /// rebuilding the key's unique index then tells whether the file repeated one, and if it did,
    /// `finish()` throws `RepeatedKeys` with the keys repeated (`repeatedKeys()`, which an import
    /// about to be rejected asks too). The index compares keys byte for byte, exactly, and the
    /// import holds no key of its own for it (a 64-bit hash per row, sorted at the end, was 16 MB
    /// at 1 M residents).
    public var keyIndexTellsRepeats = false
    private var newValues: [DatabaseValue] = []
    /// The texts bound to `groupInsert`, `insert` or `update` and not yet stepped.
    private var arena = TextArena()
    /// The keys whose rows this import wrote, for patching the kind's column cache.
    private(set) var touched = TouchedKeys()
    /// A first load's engine columns: the importer adds each row it wrote (off this thread); saved
    /// as the kind's column cache by `finish()`.
    public let engineColumns: EngineColumnCollector?

    init(
        db: Database, schema: Schema, importID: Int64, sourcePath: String, full: Bool, engineFields: Set<String>?
    ) throws {
        self.db = db
        self.schema = schema
        self.importID = importID
        self.sourcePath = sourcePath
        let table = ColumnMapping.quote(schema.kind.rawValue)
        let names = schema.fields.map { ColumnMapping.quote($0.name) }
        let key = names[schema.keyIndex]
        tableWasEmpty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(table))") ?? true
        stored = !tableWasEmpty && full
            ? try StoredRowTable.load(table: table, keyColumn: key, kind: schema.kind, importID: importID, db: db)
            : nil
        seen = Array(repeating: 0, count: ((stored?.count ?? 0) + 63) >> 6)
        cursor = stored?.makeCursor()
        let directory = SpillFile.directory(of: db)
        engineColumns = tableWasEmpty
            ? engineFields.flatMap { fields in
                directory.flatMap { FirstLoadColumns(schema: schema, fields: fields, spillDirectory: $0) }
            }.map(EngineColumnCollector.init)
            : nil
        if tableWasEmpty {
            touched.overflow()  // a first load: the next read builds the cache
            let indexes = try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL
                """, arguments: [schema.kind.rawValue])
            for index in indexes {
                try db.execute(sql: "DROP INDEX \(ColumnMapping.quote(index["name"]))")
                droppedIndexes.append(index["sql"])
            }
        }
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let columns = "\(names.joined(separator: ", ")), active, first_import_id, last_import_id, row_fingerprint, raw_fingerprint"
        insert = try db.makeStatement(sql: "INSERT INTO \(table) (\(columns)) VALUES (\(placeholders), 1, ?, ?, ?, ?)")
        groupInsert = tableWasEmpty
            ? try db.makeStatement(sql: """
                INSERT OR FAIL INTO \(table) (\(columns)) VALUES \(Array(repeating: "(\(placeholders), 1, ?, ?, ?, ?)", count: Self.groupRows)
                    .joined(separator: ", "))
                """)
            : nil
        select = try db.makeStatement(sql: """
            SELECT rowid, row_fingerprint, active, raw_fingerprint FROM \(table) WHERE \(key) = ?
            """)
        selectByRowID = try db.makeStatement(sql: "SELECT \(names.joined(separator: ", ")) FROM \(table) WHERE rowid = ?")
        update = try db.makeStatement(sql: """
            UPDATE \(table) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")), active = 1, last_import_id = ?,
                row_fingerprint = ?, raw_fingerprint = ?
            WHERE rowid = ?
            """)
        recordFingerprint = try db.makeStatement(sql: """
            UPDATE \(table) SET row_fingerprint = ?, raw_fingerprint = ? WHERE rowid = ?
            """)
        recordRawFingerprint = try db.makeStatement(sql: "UPDATE \(table) SET raw_fingerprint = ? WHERE rowid = ?")
        recordChange = try db.makeStatement(sql: """
            INSERT INTO changes (kind, entity_key, field, old_value, new_value, import_id) VALUES (?, ?, ?, ?, ?, ?)
            """)
    }

    /// Recreates the indexes a first load dropped and saves its engine columns as the kind's
    /// column cache. Called once, after the last row.
    func finish() throws {
        // A read of the stored rows' file failed: what was found in it cannot be trusted.
        try stored?.checkReadable()
        try flushPendingRows()
        // The columns are ordered and encoded on a thread of their own while this one builds the
        // indexes (the other core is idle then).
        let importID = importID
        let building = engineColumns?.take().map { columns in
            let handOver = FirstLoadHandOver(columns)
            return BackgroundTask { handOver.entries(generation: importID) }
        }
        // Single-threaded on purpose: `PRAGMA threads = 2` took 1.6 s instead of 1.2 s of CPU
        // and longer on the clock for a million residents' two indexes (the sorter spills more).
        // With a small page cache: the sorter sorts runs of the cache's size in memory (1 MB at
        // least), and runs that fit the core's cache sort faster than 8 MB ones, merges included.
        // At 1 M residents the two rebuilds took 1.00–1.46 s with 8 MiB and 0.93–1.04 s with
        // 1 MiB (six alternations; the `sqlite3` shell on the same table: median 1.60 against
        // 1.37 s over six rounds).
        if !droppedIndexes.isEmpty {
            let pageCache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -1024")
            for sql in droppedIndexes {
                do {
                    try db.execute(sql: sql)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT && keyIndexTellsRepeats {
                    throw RepeatedKeys(keys: try repeatedKeys())
                }
            }
            try db.execute(sql: "PRAGMA cache_size = \(pageCache)")
            droppedIndexes = []
        }
        // Best effort, as every cache write: without it the next read builds the cache. One entry
        // read back from the spill file at a time.
        if let spilled = try building?.value() ?? nil {
            try? db.inSavepoint {
                try spilled.save(db) ? .commit : .rollback
            }
        }
        // A night's stored rows as the next full extract will find them (best effort, as every
        // cache write: without them, that import scans the table). A first load leaves none: its
        // first night scans (writing them while it wrote its rows cost the load about 0.13 s at
        // 1 M residents, 2.7 %, alternating medians; collected off the writing thread and saved
        // at the end, 0.3 s).
        if let stored {
            try? db.inSavepoint {
                try stored.saveSnapshot(edits, kind: schema.kind, generation: importID, db)
                return .commit
            }
        }
    }

    /// With `keyIndexTellsRepeats`: the keys two or more of the rows written have, as `finish()`
    /// finds there are (when its key index cannot be made) and asks, and as an import that will
    /// not be finished (rejected for its bad rows) asks itself. The rows are all in the table (a
    /// first load writes every good row as it comes); SQLite groups them with its sorter, which
    /// spills to a temporary file rather than growing. Empty for any other import.
    public func repeatedKeys() throws -> [String] {
        guard keyIndexTellsRepeats, tableWasEmpty else { return [] }
        try flushPendingRows()
        let key = ColumnMapping.quote(schema.key.name)
        return try String?.fetchAll(db, sql: """
            SELECT \(key) FROM \(ColumnMapping.quote(schema.kind.rawValue)) GROUP BY \(key) HAVING COUNT(*) > 1
            """).compactMap { $0 }
    }

    /// Binds a first load's row, and what the import adds to it, to `statement` from parameter `first`.
    private func bindNew(
        _ values: FlatValues, _ range: Range<Int>, fingerprint: Int64, rawFingerprint: Int64?, to statement: OpaquePointer,
        from first: Int32
    ) {
        SQLiteBinding.bindRow(values, range, to: statement, from: first, arena: &arena)
        let extra = first + Int32(range.count)
        sqlite3_bind_int64(statement, extra, importID)
        sqlite3_bind_int64(statement, extra + 1, importID)
        sqlite3_bind_int64(statement, extra + 2, fingerprint)
        if let rawFingerprint {
            sqlite3_bind_int64(statement, extra + 3, rawFingerprint)
        } else {
            sqlite3_bind_null(statement, extra + 3)
        }
    }

    /// Steps a bound statement (a first load's group, or any import's insert or update of one
    /// row) and forgets the rows and texts bound to it.
    private func step(_ statement: OpaquePointer) throws {
        // GRDB turns on extended result codes: compare the primary code (low byte).
        let code = sqlite3_step(statement) & 0xFF
        sqlite3_reset(statement)
        pending.removeAll(keepingCapacity: true)
        arena.reset()
        guard code == SQLITE_DONE else {
            throw StoreError("写入\(schema.label)失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
    }

    /// Writes the rows of a first load's last, partial group one by one.
    private func flushPendingRows() throws {
        guard groupInsert != nil else { return }
        let single = insert.sqliteStatement, rows = pending
        for row in rows {
            bindNew(
                row.values, row.start..<(row.start + schema.fields.count), fingerprint: row.fingerprint,
                rawFingerprint: row.rawFingerprint, to: single, from: 1
            )
            try step(single)
        }
    }

    /// Notes that a full extract contains this key (its row was bad: a good row's `upsert`
    /// notes its key itself).
    public func markSeen(_ key: String) throws {
        if let (slot, _) = cursor?.find(key) { markSeen(slot: slot) }
    }

    /// Notes that a full extract contains the stored row in this slot of `stored`: a record
    /// skipped as unchanged (`StoredRowCursor.unchanged`).
    public func markSeen(slot: Int) {
        seen[slot >> 6] |= 1 << UInt64(slot & 63)
    }

    /// After a full extract: every active entity whose key was not seen is marked inactive
    /// (注销/迁出/死亡), never deleted; each is recorded in the change history, in table order.
    /// Returns how many. Only for an import started as a full extract (`ImportStart.full`):
    /// the others keep no record of the keys they saw.
    public func deactivateUnseen() throws -> Int {
        // Into an empty table every row was inserted by this import, so every key was seen.
        guard let stored else { return 0 }
        let table = ColumnMapping.quote(schema.kind.rawValue)
        try stored.checkReadable()
        let retire = try db.makeStatement(sql: "UPDATE \(table) SET active = 0, last_import_id = ? WHERE rowid = ?")
        var retired = 0
        try stored.forEachUnseenActive(seen) { slot, rowid, key, row in
            edits.retire(slot, row)
            touched.add(key, rowid: rowid)
            try recordChange.execute(arguments: [schema.kind.rawValue, key, "active", "是", "否", importID])
            try retire.execute(arguments: [importID, rowid])
            retired += 1
        }
        return retired
    }

    /// Inserts a new profile, or updates an existing one and records each changed field.
    public func upsert(_ values: [FieldValue]) throws -> UpsertOutcome {
        try upsert(FlatValues(values), at: 0, fingerprint: FieldValue.fingerprint(of: values), rawFingerprint: nil)
    }

    /// The same for the row at `values[start ..< start + fields]` (a batch's values, flat, in
    /// schema order), with its `FieldValue.fingerprint(of:)` and the raw fingerprint of the
    /// record it came from (`RecordSource.rawFingerprint`; nil when the record had warnings or the
    /// format keeps none). The raw fingerprint is stored with the values it validated to, so that
    /// the next full extract can skip that record unread (`rawFingerprints`).
    public func upsert(_ values: FlatValues, at start: Int, fingerprint: Int64, rawFingerprint: Int64?) throws -> UpsertOutcome {
        let range = start..<(start + schema.fields.count)
        guard start >= 0, range.upperBound <= values.count else {
            throw StoreError("写入\(schema.label)失败：一行应有 \(schema.fields.count) 个值，只给了 \(max(0, values.count - start)) 个")
        }
        if let groupInsert {
            // Nothing existed before this import and the file's own repeats were resolved by
            // the reader, so every row is new: bind, and step once a group is bound (the row is
            // kept, a reference to its batch, for a last partial group written one by one).
            let raw = groupInsert.sqliteStatement
            bindNew(values, range, fingerprint: fingerprint, rawFingerprint: rawFingerprint, to: raw, from: Int32(pending.count * (range.count + 4) + 1))
            pending.append((values, start, fingerprint, rawFingerprint))
            if pending.count == Self.groupRows { try step(raw) }
            return .inserted
        }
        return try upsertIntoPopulated(values, range, fingerprint: fingerprint, rawFingerprint: rawFingerprint)
    }

    /// A row into a populated table (a night's new and changed rows, an update file): found by
    /// key, compared by fingerprint; its values are made `FieldValue`s only when they are
    /// compared field by field, and bound from the batch's bytes.
    private func upsertIntoPopulated(
        _ flat: FlatValues, _ range: Range<Int>, fingerprint: Int64, rawFingerprint: Int64?
    ) throws -> UpsertOutcome {
        guard let keyText = flat.withText(at: range.lowerBound + schema.keyIndex, { String(decoding: $0, as: UTF8.self) }) else {
            throw StoreError("\(schema.label)缺少\(schema.key.label)，不能写入")
        }
        let (inStored, existing) = try storedRow(keyText)
        let slot = inStored?.slot, packed = inStored?.row
        // Unchanged and still active: one integer compared, no page read; written only to
        // remember new raw bytes for the same values (the first night after v14, a new header…).
        if let existing, existing.active, existing.fingerprint == fingerprint {
            if let rawFingerprint, rawFingerprint != existing.rawFingerprint {
                try recordRawFingerprint.execute(arguments: [rawFingerprint, existing.rowid])
                if let slot, let packed { edits.setRaw(slot, rawFingerprint, on: packed) }
            }
            return .unchanged
        }
        guard let existing else {
            let statement = insert.sqliteStatement
            bindNew(flat, range, fingerprint: fingerprint, rawFingerprint: rawFingerprint, to: statement, from: 1)
            try step(statement)
            let rowid = db.lastInsertedRowID
            touched.add(keyText, rowid: rowid)
            if let stored { edits.insert(rowid: rowid, key: keyText, fingerprint: fingerprint, raw: rawFingerprint, in: stored) }
            return .inserted
        }
        if let slot { edits.set(slot, fingerprint: fingerprint, raw: rawFingerprint) }
        let values = flat.values(range)
        newValues.removeAll(keepingCapacity: true)
        for value in values { newValues.append(ColumnMapping.databaseValue(value)) }
        let key = newValues[schema.keyIndex]
        try selectByRowID.setArguments([existing.rowid])
        let found = selectByRowID.sqliteStatement
        defer { sqlite3_reset(found) }
        guard sqlite3_step(found) & 0xFF == SQLITE_ROW else {
            throw StoreError("读取\(schema.label)失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
        var changed = false
        for (i, field) in schema.fields.enumerated() {
            let old = DatabaseValue(sqliteStatement: found, index: Int32(i))
            guard old != newValues[i] else { continue }
            changed = true
            try recordChange.execute(arguments: [
                schema.kind.rawValue, key, field.name,
                ColumnMapping.fieldValue(old, type: field.type).describe(for: field),
                values[i].describe(for: field), importID,
            ])
        }
        sqlite3_reset(found)
        if !existing.active {
            changed = true
            try recordChange.execute(arguments: [schema.kind.rawValue, key, "active", "否", "是", importID])
        }
        guard changed else {
            // Equal values under another (or no) fingerprint: a row written before
            // v12-row-fingerprint. Record it so the next import compares one integer.
            try recordFingerprint.execute(arguments: [fingerprint, rawFingerprint, existing.rowid])
            return .unchanged
        }
        let statement = update.sqliteStatement
        SQLiteBinding.bindRow(flat, range, to: statement, from: 1, arena: &arena)
        let extra = 1 + Int32(range.count)
        sqlite3_bind_int64(statement, extra, importID)
        sqlite3_bind_int64(statement, extra + 1, fingerprint)
        if let rawFingerprint {
            sqlite3_bind_int64(statement, extra + 2, rawFingerprint)
        } else {
            sqlite3_bind_null(statement, extra + 2)
        }
        sqlite3_bind_int64(statement, extra + 3, existing.rowid)
        try step(statement)
        touched.add(keyText, rowid: existing.rowid)
        return .updated
    }

    /// The stored row with this key, if any (from the full extract's stored rows, with its slot and
    /// packed row, else the key index), noted as seen.
    private func storedRow(_ key: String) throws -> (slot: (slot: Int, row: StoredRowTable.Packed)?, row: StoredRow?) {
        if let stored, let cursor {
            guard let (slot, row) = cursor.find(key) else { return (nil, nil) }
            markSeen(slot: slot)
            return ((slot, row), StoredRow(rowid: stored.rowid(at: slot), row))
        }
        try select.setArguments([key])
        let found = select.sqliteStatement
        defer { sqlite3_reset(found) }
        let step = sqlite3_step(found) & 0xFF
        guard step == SQLITE_ROW || step == SQLITE_DONE else {
            throw StoreError("读取\(schema.label)失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
        guard step == SQLITE_ROW else { return (nil, nil) }
        return (nil, StoredRow(
            rowid: sqlite3_column_int64(found, 0),
            fingerprint: sqlite3_column_type(found, 1) == SQLITE_NULL ? nil : sqlite3_column_int64(found, 1),
            rawFingerprint: sqlite3_column_type(found, 3) == SQLITE_NULL ? nil : sqlite3_column_int64(found, 3),
            active: sqlite3_column_int64(found, 2) != 0
        ))
    }
}

extension ProfileStore {
    /// Whether a file of this size was imported before (successfully, as this kind): a file
    /// of another size cannot be the same content, so its hash need not be known before the
    /// import starts (see `performImport`'s `digest`).
    public func hasImport(kind: DatasetKind, size: Int64) throws -> Bool {
        try guarded("查询导入记录") {
            try pool.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM imports WHERE kind = ? AND size = ? AND status = 'ok')
                    """, arguments: [kind.rawValue, size]) ?? false
            }
        }
    }

    /// The ledger entry of an earlier successful import of the same content and kind.
    public func previousImport(kind: DatasetKind, sha256: String) throws -> ImportRecord? {
        try guarded("查询导入记录") {
            try pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT * FROM imports WHERE kind = ? AND sha256 = ? AND status = 'ok' ORDER BY id DESC LIMIT 1
                    """, arguments: [kind.rawValue, sha256]).map(ImportRecord.init(row:))
            }
        }
    }

    /// Runs one import as one transaction. The ledger entry is written first; `body` writes
    /// the rows through the `ImportWriter` inside a savepoint and returns its decision.
    /// Accepted: rows, quarantine and ledger commit together. Rejected (bad rate, or `body`
    /// threw a file-level error): the rows roll back, the ledger entry and the quarantine
    /// stay so people can see why, and the error, if any, is rethrown after the commit.
    /// `digest`, when given, is the file's SHA-256 still being computed beside the import: the
    /// ledger entry gets it last, before the commit (`start.sha256` is then a placeholder).
    public func performImport(
        _ start: ImportStart, kind: DatasetKind, engineFields: Set<String>? = nil,
        digest: (() throws -> String)? = nil,
        body: (ImportWriter) throws -> ImportDecision
    ) throws -> ImportRecord {
        let schema = schemas[kind]
        var failure: (any Error)?
        let record = try guarded("写入导入结果") {
            try writeAlone(foreignKeys: false) { db -> ImportRecord in
                try db.execute(sql: """
                    INSERT INTO imports (path, size, sha256, kind, format, encoding, full, started_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')
                    """, arguments: [
                        start.path, start.size, start.sha256, start.kind, start.format, start.encoding, start.full,
                        Self.timestamp(),
                    ])
                let importID = db.lastInsertedRowID
                // Upserts into a populated table look up random keys: keep index pages in
                // memory. A first load appends and sorts once, and needs little; so does a full
                // extract, which finds its rows in a file of its own (`StoredRowTable`) and updates about 1 %
                // of them in table order: at 1 M residents a night with 64 MiB of page cache took
                // 2.46–2.55 s and peaked at 281–293 MiB, with 8 MiB 2.09–2.59 s and 224–233 MiB
                // (alternating, the same rows and cache, md5).
                let populated = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM \(ColumnMapping.quote(kind.rawValue)))"
                ) ?? false
                try db.execute(sql: "PRAGMA cache_size = \(populated && !start.full ? -65536 : -8192)")
                defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
                var decision = ImportDecision(accepted: false, counts: ImportCounts(), quarantine: [], message: nil)
                var touched = TouchedKeys()
                do {
                    try db.inSavepoint {
                        let writer = try ImportWriter(
                            db: db, schema: schema, importID: importID, sourcePath: start.path, full: start.full,
                            engineFields: engineFields
                        )
                        do {
                            decision = try body(writer)
                        } catch let error as DatabaseError {
                            throw error
                        } catch let error as any RestartImport {
                            throw error
                        } catch {
                            failure = error
                            decision.message = String(describing: error)
                            if let entry = (error as? any QuarantinableError)?.quarantineEntry {
                                decision.quarantine.append(entry)
                                decision.counts.quarantined += 1
                            }
                            return .rollback
                        }
                        guard decision.accepted else { return .rollback }
                        try writer.finish()
                        touched = writer.touched
                        return .commit
                    }
                } catch let restart as any RestartImport {
                    // Read again: what this reading freed, handed back first, would otherwise stay
                    // in the process under the next reading's (a first load repeating one key, 1 M
                    // residents: 99 MiB at the second reading's peak, 84 without the first's).
                    FreedMemory.handBack()
                    throw restart
                }
                // The import's rows are final: record what it changed for the kind's column
                // cache (`CacheDelta`; best effort: a record that fails leaves the cache stale, and
                // the import stands).
                let accepted = decision.accepted && failure == nil
                try? db.inSavepoint {
                    try CacheDelta.record(kind: schema.kind, importID: importID, accepted: accepted, touched: touched, db)
                    return .commit
                }
                let insertEntry = try db.makeStatement(sql: """
                    INSERT INTO quarantine (import_id, file, line, field, reason_code, value, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for entry in decision.quarantine {
                    try insertEntry.execute(arguments: [
                        importID, entry.file, entry.line, entry.field, entry.reason.rawValue, entry.value, entry.message,
                    ])
                }
                let insertWarning = try db.makeStatement(sql: """
                    INSERT INTO warnings (import_id, file, line, field, reason_code, value, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for warning in decision.warnings {
                    try insertWarning.execute(arguments: [
                        importID, warning.file, warning.line, warning.field, warning.reason.rawValue, warning.value,
                        warning.message,
                    ])
                }
                if let digest {
                    try db.execute(sql: "UPDATE imports SET sha256 = ? WHERE id = ?", arguments: [try digest(), importID])
                }
                let status: ImportRecord.Status = decision.accepted && failure == nil ? .ok : .rejected
                let counts = decision.counts
                try db.execute(sql: """
                    UPDATE imports SET finished_at = ?, rows_read = ?, inserted = ?, updated = ?, unchanged = ?,
                        quarantined = ?, deactivated = ?, warnings = ?, status = ?, message = ? WHERE id = ?
                    """, arguments: [
                        Self.timestamp(), counts.rowsRead, counts.inserted, counts.updated, counts.unchanged,
                        counts.quarantined, status == .ok ? counts.deactivated : 0, decision.warnings.count,
                        status.rawValue, decision.message, importID,
                    ])
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM imports WHERE id = ?", arguments: [importID]) else {
                    throw StoreError("导入记录 \(importID) 写入后读不到")
                }
                return ImportRecord(row: row)
            }
        }
        if let failure { throw failure }
        return record
    }
}

extension ProfileStore {
    /// `body` in one transaction with the store to itself (an import, a run's save): idle
    /// readers closed and no read started meanwhile, under a rollback journal when SQLite allows
    /// the switch, back in WAL after. Every page is then written once, into the file: a first
    /// load's new pages past the file's old end are not even journaled (a rollback cuts the file
    /// back), and a night's rewritten column cache (47 MB at 1 M residents) or a run's results
    /// are not written into the WAL first and copied into the file by the checkpoint (a night
    /// 2.13 / 2.18 s in WAL, 1.93 / 1.88 s so; a first run's save 0.33 → 0.22 s; alternating).
    /// A kill -9 leaves a hot journal that the next open rolls back: still all-or-nothing
    /// (`Scripts/check-import-kill.sh`: a first load, a night, a run). SQLite refuses the switch
    /// while another connection has the store open (another process): then WAL as before,
    /// and while the journal is in use another process opening the store waits (busy timeout).
    ///
    /// `foreignKeys: false` leaves foreign keys unchecked for the transaction (an import: every
    /// key it writes is its own ledger entry's id, inserted first in the same transaction).
    /// Checked, each statement that may write a row referring to another table keeps a statement
    /// journal, a copy of every page it touches that existed before it: 815 MB written to a temp
    /// file by a first load of 1 M residents, 363 MB by a night (strace), besides two index probes
    /// of `imports` per row.
    func writeAlone<T>(foreignKeys: Bool = true, _ body: (Database) throws -> T) throws -> T {
        pool.invalidateReadOnlyConnections()
        return try pool.barrierWriteWithoutTransaction { db in
            // A read first: it checks the WAL for what other processes committed since this
            // connection's last statement and drops its cached pages if they changed. Leaving WAL
            // without it, the connection kept pages from before another process's commit (WAL
            // commits do not change the file's change counter, which rollback mode checks), and the
            // import wrote from them: a row deleted meanwhile by another process came back
            // (`StoredRowsSnapshotTests.testATableChangedBehindTheStoresBackIsScanned`).
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            let rollbackJournal = (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE"))?.lowercased() == "delete"
            defer { if rollbackJournal { _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") } }
            if !foreignKeys {
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
            }
            defer { if !foreignKeys { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
            return try db.inTransaction(returning: { try body(db) })
        }
    }
}

extension Database {
    /// `body` in one transaction, committed when it returns and rolled back when it throws.
    func inTransaction<T>(returning body: () throws -> T) throws -> T {
        var result: T?
        try inTransaction {
            result = try body()
            return .commit
        }
        guard let result else { throw StoreError("事务提交后没有结果") }
        return result
    }
}

extension ImportRecord {
    init(row: Row) {
        self.init(
            id: row["id"], path: row["path"], size: row["size"], sha256: row["sha256"], kind: row["kind"],
            format: row["format"], encoding: row["encoding"], full: row["full"], startedAt: row["started_at"],
            finishedAt: row["finished_at"],
            counts: {
                var c = ImportCounts()
                c.rowsRead = row["rows_read"]
                c.inserted = row["inserted"]
                c.updated = row["updated"]
                c.unchanged = row["unchanged"]
                c.quarantined = row["quarantined"]
                c.deactivated = row["deactivated"]
                c.warnings = row["warnings"]
                return c
            }(),
            status: ImportRecord.Status(rawValue: row["status"]) ?? .rejected, message: row["message"]
        )
    }
}

extension ProfileStore {
    /// The most recent successful import of a kind; with `fullOnly`, the most recent full extract.
    public func latestImport(kind: DatasetKind, fullOnly: Bool = false) throws -> ImportRecord? {
        try guarded("查询导入记录") {
            try pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT * FROM imports WHERE kind = ? AND status = 'ok' \(fullOnly ? "AND full = 1" : "")
                    ORDER BY id DESC LIMIT 1
                    """, arguments: [kind.rawValue]).map(ImportRecord.init(row:))
            }
        }
    }
}
