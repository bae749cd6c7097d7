internal import GRDB
internal import GRDBSQLite

/// What a profile table held for one key when an import began.
struct StoredRow {
    var rowid: Int64
    /// The stored `row_fingerprint`; nil for a row written before v12-row-fingerprint.
    var fingerprint: Int64?
    var active: Bool
    /// This import's file contains the key (a good or a bad row).
    var seen = false
}

/// Every row of a profile table at the start of a full extract, by key, loaded with one scan:
/// each row of tonight's file is then matched by a hash probe in memory, an unchanged one
/// (same fingerprint, active) touches no page, and the keys the file did not contain are
/// found without a second scan. A steady-state night used to look each key up in the
/// B-tree index and compare every field.
///
/// A hash join rather than a key-order merge: the extract is not sorted, and sorting it
/// would hold the whole file (or spill it) where this holds 48 bytes per stored row.
struct StoredRows {
    private var compact: [CompactKey: StoredRow]
    private var long: [String: StoredRow] = [:]

    /// One scan of `table` (rowid order) reading its key, fingerprint and active flag.
    init(table: String, keyColumn: String, db: Database) throws {
        let capacity = try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0
        compact = Dictionary(minimumCapacity: max(16, capacity))
        let scan = try db.makeStatement(sql: "SELECT rowid, \(keyColumn), row_fingerprint, active FROM \(table)")
        let handle = scan.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle) & 0xFF
            guard code == SQLITE_ROW else {
                guard code == SQLITE_DONE else {
                    throw StoreError("读取\(table)失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                }
                break
            }
            guard let text = sqlite3_column_text(handle, 1) else { continue }
            let key = String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 1))), as: UTF8.self)
            let row = StoredRow(
                rowid: sqlite3_column_int64(handle, 0),
                fingerprint: sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 2),
                active: sqlite3_column_int64(handle, 3) != 0
            )
            if let k = CompactKey(key) { compact[k] = row } else { long[key] = row }
        }
    }

    /// Marks `key` as contained in the file and returns its stored row, if any (one probe).
    mutating func markSeen(_ key: String) -> StoredRow? {
        if let k = CompactKey(key) {
            guard let index = compact.index(forKey: k) else { return nil }
            compact.values[index].seen = true
            return compact.values[index]
        }
        guard let index = long.index(forKey: key) else { return nil }
        long.values[index].seen = true
        return long.values[index]
    }

    /// The active rows whose key the file did not contain, in table (rowid) order.
    func unseenActive() -> [(rowid: Int64, key: String)] {
        var out: [(rowid: Int64, key: String)] = []
        for (key, row) in compact where row.active && !row.seen { out.append((row.rowid, key.string)) }
        for (key, row) in long where row.active && !row.seen { out.append((row.rowid, key)) }
        return out.sorted { $0.rowid < $1.rowid }
    }
}
