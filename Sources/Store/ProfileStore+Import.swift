public import Datasets
internal import GRDB
internal import GRDBSQLite

/// What an upsert did to a profile.
public enum UpsertOutcome: Sendable, Equatable {
    case inserted
    case updated
    case unchanged
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
    let select: Statement
    let update: Statement
    let recordChange: Statement
    /// The keys a full extract contains (good and bad rows), kept in memory: a temporary table
    /// of a million keys spilled to a temp file and was the steady state's main I/O.
    private var seen = KeySet()
    /// Indexes dropped for a first load into an empty table, recreated by `finish()`.
    private var droppedIndexes: [String] = []
    private var newValues: [DatabaseValue] = []
    private var arguments: [DatabaseValue] = []
    /// The current row's texts, bound to `insert` without copies on a first load.
    private var arena = TextArena()
    /// The keys whose rows this import wrote, for patching the kind's column cache.
    private(set) var touched = TouchedKeys()

    init(db: Database, schema: Schema, importID: Int64, sourcePath: String) throws {
        self.db = db
        self.schema = schema
        self.importID = importID
        self.sourcePath = sourcePath
        let table = ColumnMapping.quote(schema.kind.rawValue)
        let names = schema.fields.map { ColumnMapping.quote($0.name) }
        let key = names[schema.keyIndex]
        tableWasEmpty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(table))") ?? true
        if tableWasEmpty {
            let indexes = try Row.fetchAll(db, sql: """
                SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL
                """, arguments: [schema.kind.rawValue])
            for index in indexes {
                try db.execute(sql: "DROP INDEX \(ColumnMapping.quote(index["name"]))")
                droppedIndexes.append(index["sql"])
            }
        }
        if tableWasEmpty { touched.overflow() }  // a first load: the next read builds the cache
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        insert = try db.makeStatement(sql: """
            INSERT INTO \(table) (\(names.joined(separator: ", ")), active, first_import_id, last_import_id)
            VALUES (\(placeholders), 1, ?, ?)
            """)
        select = try db.makeStatement(sql: "SELECT \(names.joined(separator: ", ")), active FROM \(table) WHERE \(key) = ?")
        update = try db.makeStatement(sql: """
            UPDATE \(table) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")), active = 1, last_import_id = ?
            WHERE \(key) = ?
            """)
        recordChange = try db.makeStatement(sql: """
            INSERT INTO changes (kind, entity_key, field, old_value, new_value, import_id) VALUES (?, ?, ?, ?, ?, ?)
            """)
    }

    /// Recreates the indexes a first load dropped. Called once, after the last row.
    func finish() throws {
        for sql in droppedIndexes { try db.execute(sql: sql) }
        droppedIndexes = []
    }

    /// Notes that a full extract contains this key (its row may have been good or bad).
    public func markSeen(_ key: String) throws {
        seen.insert(key)
    }

    /// After a full extract: every active entity whose key was not seen is marked inactive
    /// (注销/迁出/死亡), never deleted; each is recorded in the change history, in table order.
    /// Returns how many.
    public func deactivateUnseen() throws -> Int {
        let table = ColumnMapping.quote(schema.kind.rawValue)
        let key = ColumnMapping.quote(schema.key.name)
        var unseen: [String] = []
        let scan = try db.makeStatement(sql: "SELECT \(key) FROM \(table) WHERE active = 1")
        let handle = scan.sqliteStatement
        while true {
            let code = sqlite3_step(handle) & 0xFF
            guard code == SQLITE_ROW else {
                guard code == SQLITE_DONE else {
                    throw StoreError("读取\(schema.label)失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                }
                break
            }
            guard let text = sqlite3_column_text(handle, 0) else { continue }
            let value = String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 0))), as: UTF8.self)
            if !seen.contains(value) { unseen.append(value) }
        }
        sqlite3_reset(handle)
        let retire = try db.makeStatement(sql: "UPDATE \(table) SET active = 0, last_import_id = ? WHERE \(key) = ?")
        for value in unseen {
            touched.add(value)
            try recordChange.execute(arguments: [schema.kind.rawValue, value, "active", "是", "否", importID])
            try retire.execute(arguments: [importID, value])
        }
        return unseen.count
    }

    /// Inserts a new profile, or updates an existing one and records each changed field.
    public func upsert(_ values: [FieldValue]) throws -> UpsertOutcome {
        try upsert(values[...])
    }

    /// The same for one row of a flat batch (values in schema order).
    public func upsert(_ values: ArraySlice<FieldValue>) throws -> UpsertOutcome {
        let base = values.startIndex
        if tableWasEmpty {
            // Nothing existed before this import and the file's own repeats were resolved by
            // the reader, so every row is new: bind and step, no look-up.
            let raw = insert.sqliteStatement
            SQLiteBinding.bindRow(values, to: raw, arena: &arena)
            sqlite3_bind_int64(raw, Int32(values.count + 1), importID)
            sqlite3_bind_int64(raw, Int32(values.count + 2), importID)
            // GRDB turns on extended result codes: compare the primary code (low byte).
            let code = sqlite3_step(raw) & 0xFF
            sqlite3_reset(raw)
            guard code == SQLITE_DONE else {
                throw StoreError("写入\(schema.label)失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
            }
            return .inserted
        }
        newValues.removeAll(keepingCapacity: true)
        for value in values { newValues.append(ColumnMapping.databaseValue(value)) }
        let key = newValues[schema.keyIndex]
        // Step the look-up by hand: a GRDB Row and cursor per row were a tenth of a steady-state night.
        try select.setArguments([key])
        let found = select.sqliteStatement
        defer { sqlite3_reset(found) }
        let step = sqlite3_step(found) & 0xFF
        guard step == SQLITE_ROW || step == SQLITE_DONE else {
            throw StoreError("读取\(schema.label)失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
        if step == SQLITE_ROW {
            var changed = false
            for (i, field) in schema.fields.enumerated() {
                let old = DatabaseValue(sqliteStatement: found, index: Int32(i))
                guard old != newValues[i] else { continue }
                changed = true
                try recordChange.execute(arguments: [
                    schema.kind.rawValue, key, field.name,
                    ColumnMapping.fieldValue(old, type: field.type).describe(for: field),
                    values[base + i].describe(for: field), importID,
                ])
            }
            let wasActive = sqlite3_column_int64(found, Int32(schema.fields.count)) != 0
            sqlite3_reset(found)
            if !wasActive {
                changed = true
                try recordChange.execute(arguments: [schema.kind.rawValue, key, "active", "否", "是", importID])
            }
            guard changed else { return .unchanged }
            touched.add(key)
            arguments.removeAll(keepingCapacity: true)
            arguments.append(contentsOf: newValues)
            arguments.append(importID.databaseValue)
            arguments.append(key)
            try update.execute(arguments: StatementArguments(arguments))
            return .updated
        }
        arguments.removeAll(keepingCapacity: true)
        arguments.append(contentsOf: newValues)
        arguments.append(importID.databaseValue)
        arguments.append(importID.databaseValue)
        try insert.execute(arguments: StatementArguments(arguments))
        touched.add(key)
        return .inserted
    }
}

extension ProfileStore {
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
    public func performImport(
        _ start: ImportStart, kind: DatasetKind,
        body: (ImportWriter) throws -> ImportDecision
    ) throws -> ImportRecord {
        let schema = schemas[kind]
        var failure: (any Error)?
        let record = try guarded("写入导入结果") {
            try pool.write { db -> ImportRecord in
                try db.execute(sql: """
                    INSERT INTO imports (path, size, sha256, kind, format, encoding, full, started_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')
                    """, arguments: [
                        start.path, start.size, start.sha256, start.kind, start.format, start.encoding, start.full,
                        Self.timestamp(),
                    ])
                let importID = db.lastInsertedRowID
                // Upserts into a populated table look up random keys: keep index pages in
                // memory. A first load appends and sorts once, and needs little.
                let populated = try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM \(ColumnMapping.quote(kind.rawValue)))"
                ) ?? false
                try db.execute(sql: "PRAGMA cache_size = \(populated ? -65536 : -8192)")
                defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
                var decision = ImportDecision(accepted: false, counts: ImportCounts(), quarantine: [], message: nil)
                var touched = TouchedKeys()
                try db.inSavepoint {
                    let writer = try ImportWriter(db: db, schema: schema, importID: importID, sourcePath: start.path)
                    do {
                        decision = try body(writer)
                    } catch let error as DatabaseError {
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
                // The import's rows are final: bring the kind's column cache to this import
                // (best effort: a patch that fails leaves it stale, and the import stands).
                let accepted = decision.accepted && failure == nil
                try? db.inSavepoint {
                    try ColumnCachePatch(schema: schema).apply(importID: importID, accepted: accepted, touched: touched, db)
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
