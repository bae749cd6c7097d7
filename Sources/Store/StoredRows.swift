internal import GRDB
internal import GRDBSQLite

/// What a profile table held for one key when an import began.
struct StoredRow {
    var rowid: Int64
    /// The stored `row_fingerprint`; nil for a row written before v12-row-fingerprint.
    var fingerprint: Int64?
    /// The stored `raw_fingerprint`: the raw bytes the row was last confirmed from, with no
    /// warnings; nil for rows with warnings, from JSON Lines or XML, or before v14-raw-fingerprint.
    var rawFingerprint: Int64?
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

    /// The active rows with both fingerprints, for the reading side.
    private(set) var raw: RawFingerprints

    /// One scan of `table` (rowid order) reading its key, fingerprints and active flag.
    init(table: String, keyColumn: String, db: Database) throws {
        let capacity = try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0
        compact = Dictionary(minimumCapacity: max(16, capacity))
        raw = RawFingerprints(capacity: try Int.fetchOne(db, sql: """
            SELECT count(*) FROM \(table) WHERE active = 1 AND raw_fingerprint IS NOT NULL AND row_fingerprint IS NOT NULL
            """) ?? 0)
        let scan = try db.makeStatement(sql: "SELECT rowid, \(keyColumn), row_fingerprint, active, raw_fingerprint FROM \(table)")
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
                rawFingerprint: sqlite3_column_type(handle, 4) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 4),
                active: sqlite3_column_int64(handle, 3) != 0
            )
            if let k = CompactKey(key) { compact[k] = row } else { long[key] = row }
            if row.active, let rawFingerprint = row.rawFingerprint, let fingerprint = row.fingerprint {
                raw.add(key, raw: rawFingerprint, value: fingerprint)
            }
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

/// The active rows of a profile table that were stored from a record's raw bytes with no
/// warnings, by key: raw fingerprint and value fingerprint (`row_fingerprint`). Built with
/// `StoredRows` at the start of a full extract and read by the reading side, which skips a
/// record whose key and raw fingerprint match: no cells, no validation, no write.
public struct RawFingerprints: Sendable {
    private var compact: [CompactKey: (raw: Int64, value: Int64)]
    private var long: [String: (raw: Int64, value: Int64)] = [:]

    init(capacity: Int) {
        compact = Dictionary(minimumCapacity: max(16, capacity))
    }

    mutating func add(_ key: String, raw: Int64, value: Int64) {
        if let k = CompactKey(key) { compact[k] = (raw, value) } else { long[key] = (raw, value) }
    }

    public var isEmpty: Bool { compact.isEmpty && long.isEmpty }

    /// The stored value fingerprint of the active row with exactly this key (UTF-8 bytes as
    /// the file wrote them), when it was stored from a record with raw fingerprint `raw`.
    public func valueFingerprint(key: UnsafeRawBufferPointer, raw: Int64) -> Int64? {
        let found = if let k = CompactKey(bytes: key) { compact[k] } else { long[String(decoding: key, as: UTF8.self)] }
        guard let found, found.raw == raw else { return nil }
        return found.value
    }
}
