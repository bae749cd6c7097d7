internal import Datasets
internal import GRDB
internal import GRDBSQLite

/// A table's stored rows read by a scan into their file (`StoredRowTable`), when no snapshot of
/// the previous night describes the table (the first night after a first load, a table changed
/// behind the store's back).
extension StoredRowTable {
    /// One scan of `table` (rowid order) reading its key, fingerprints and active flag into the
    /// table's file. A large table is scanned in two halves at once, the upper one on a read-only
    /// connection of its own (it sees the table as it was committed, which is what this import
    /// starts from: nothing of this import's transaction is in the file yet), each half straight
    /// into its own slots. At 1 M residents the scan was 0.5 s before any record could be read.
    static func scan(table: String, keyColumn: String, db: Database) throws -> StoredRowTable {
        let sql = """
            SELECT rowid, \(keyColumn), row_fingerprint, active, raw_fingerprint FROM \(table)
            WHERE rowid >= ? AND rowid <= ? ORDER BY rowid
            """
        let shape = try TableShape(table: table, db)
        let low = shape.low, high = shape.high, count = shape.count
        let span = count == 0 ? 0 : Int(high - low) + 1
        // Gaps (rows deleted by hand) would cost a slot each: past an eighth, slots go in order.
        let dense = span <= count + count / 8 + 1024
        if dense {
            /// The table's rows into the slots of `form`, in two halves at once.
            func scan(_ form: StoredRowsSnapshot.KeyForm) throws -> StoredRowTable {
                let slots = StoredSlots(file: try Self.spillFile(db, table: table), form: form, count: span)
                let middle = span >= 200_000 ? span / 2 : span
                var upper: BackgroundTask<SlotRegionWriter.Summary>?
                if middle < span, let path = Self.path(db) {
                    upper = BackgroundTask {
                        try Self.scan(path: path, sql: sql, slots: slots, range: middle..<span, firstRowid: low, table: table)
                    }
                }
                let lower = Result {
                    try Self.scan(db.makeStatement(sql: sql), slots: slots, range: 0..<(upper == nil ? span : middle), firstRowid: low, table: table, db)
                }
                // The upper half is waited for whatever became of the lower (a scan of 24 bytes a
                // key may follow, and this one should not go on beside it).
                var summary: SlotRegionWriter.Summary
                switch lower {
                case .success(let value): summary = value
                case .failure(let error):
                    _ = try? upper?.value()
                    throw error
                }
                if let upper {
                    let more: SlotRegionWriter.Summary
                    do { more = try upper.value() } catch let error as SlotRegionWriter.NotDigitKeys {
                        throw error
                    } catch {
                        // Best effort: the upper half on this connection after all.
                        more = try Self.scan(db.makeStatement(sql: sql), slots: slots, range: middle..<span, firstRowid: low, table: table, db)
                    }
                    summary.longKeys.merge(more.longKeys) { first, _ in first }
                    summary.present += more.present
                    summary.allDigits = summary.allDigits && more.allDigits
                }
                return try Self.make(slots, summary, firstRowid: low, rowids: nil, table: table)
            }
            do {
                return try scan(.digits)
            } catch is SlotRegionWriter.NotDigitKeys {
                return try scan(.compact)
            }
        }
        let slots = StoredSlots(file: try Self.spillFile(db, table: table), form: .compact, count: count)
        let writer = SlotRegionWriter(slots, range: 0..<count)
        var all: [Int64] = []
        all.reserveCapacity(count)
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments([low, high])
        try Self.rows(of: statement.sqliteStatement, table: table, error: { String(cString: sqlite3_errmsg(db.sqliteConnection)) }) {
            rowid, row, key in
            guard all.count < count else { throw StoreError("读取\(table)失败：行数在读取时变了") }
            try writer.set(all.count, row, key: key, table: table)
            all.append(rowid)
        }
        return try Self.make(slots, try writer.finish(table), firstRowid: low, rowids: all, table: table)
    }

    /// The rows with rowids in `range` (as slots from `firstRowid`) into their slots.
    private static func scan(
        _ statement: Statement, slots: StoredSlots, range: Range<Int>, firstRowid: Int64, table: String, _ db: Database
    ) throws -> SlotRegionWriter.Summary {
        try statement.setArguments([firstRowid + Int64(range.lowerBound), firstRowid + Int64(range.upperBound) - 1])
        return try scan(statement.sqliteStatement, slots: slots, range: range, firstRowid: firstRowid, table: table) {
            String(cString: sqlite3_errmsg(db.sqliteConnection))
        }
    }

    /// The same on a read-only connection of its own.
    private static func scan(
        path: String, sql: String, slots: StoredSlots, range: Range<Int>, firstRowid: Int64, table: String
    ) throws -> SlotRegionWriter.Summary {
        var connection: OpaquePointer?
        defer { sqlite3_close_v2(connection) }
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let connection else { throw StoreError("读取\(table)失败：不能再打开数据库") }
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError("读取\(table)失败：\(String(cString: sqlite3_errmsg(connection)))")
        }
        sqlite3_bind_int64(statement, 1, firstRowid + Int64(range.lowerBound))
        sqlite3_bind_int64(statement, 2, firstRowid + Int64(range.upperBound) - 1)
        return try scan(statement, slots: slots, range: range, firstRowid: firstRowid, table: table) { String(cString: sqlite3_errmsg(connection)) }
    }

    private static func scan(
        _ handle: OpaquePointer, slots: StoredSlots, range: Range<Int>, firstRowid: Int64, table: String, error: () -> String
    ) throws -> SlotRegionWriter.Summary {
        let writer = SlotRegionWriter(slots, range: range)
        try rows(of: handle, table: table, error: error) { rowid, row, key in
            try writer.set(Int(rowid - firstRowid), row, key: key, table: table)
        }
        return try writer.finish(table)
    }

    /// Steps `handle` to its end, handing each row with a key to `body` (rowid, packed row, key bytes).
    private static func rows(
        of handle: OpaquePointer, table: String, error: () -> String,
        _ body: (Int64, Packed, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle) & 0xFF
            guard code == SQLITE_ROW else {
                guard code == SQLITE_DONE else { throw StoreError("读取\(table)失败：\(error())") }
                return
            }
            guard let text = sqlite3_column_text(handle, 1) else { continue }
            let bytes = UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 1)))
            var flags = Packed.present | (sqlite3_column_int64(handle, 3) != 0 ? Packed.active : 0)
            if sqlite3_column_type(handle, 2) != SQLITE_NULL { flags |= Packed.hasFingerprint }
            if sqlite3_column_type(handle, 4) != SQLITE_NULL { flags |= Packed.hasRaw }
            let row = Packed(fingerprint: sqlite3_column_int64(handle, 2), rawFingerprint: sqlite3_column_int64(handle, 4), flags: flags)
            try body(sqlite3_column_int64(handle, 0), row, bytes)
        }
    }

    private static func path(_ db: Database) -> String? {
        guard let name = sqlite3_db_filename(db.sqliteConnection, "main") else { return nil }
        let path = String(cString: name)
        return path.isEmpty ? nil : path
    }
}
