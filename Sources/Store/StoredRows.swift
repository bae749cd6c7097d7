internal import Datasets
internal import GRDB
internal import GRDBSQLite

/// What a profile table held for one key when an import began.
struct StoredRow {
    var rowid: Int64
    /// The stored `row_fingerprint`; nil for a row written before v12-row-fingerprint.
    var fingerprint: Int64?
    /// The stored `raw_fingerprint`: the raw bytes the row was last confirmed from, without
    /// warnings; nil for rows with warnings, from JSON Lines or XML, or before v14-raw-fingerprint.
    var rawFingerprint: Int64?
    var active: Bool
}

/// Every row of a profile table at the start of a full extract, loaded with one scan and read
/// by every stage of the import (it does not change while the import runs):
///
/// - the reading thread asks it whether a record's key and raw fingerprint match an active
///   row (`unchanged`): such a record is skipped unvalidated and travels on as its slot;
/// - the thread resolving the file's repeats tells repeats of stored keys by slot;
/// - the writer finds each other row by key (one hash probe in memory, no index page read),
///   notes by slot which keys the file contained, and finds the rest without a second scan.
///
/// A hash join rather than a key-order merge: the extract is not sorted, and sorting it
/// would hold the whole file (or spill it). About 120 bytes per stored row (key table,
/// rows and keys; 1M residents: a night peaks at about 250 MiB).
public final class StoredRowTable: Sendable {
    /// Key → slot (index into `rows`) for keys of up to 23 bytes, and for longer ones.
    private let slots: KeySlots<CompactKey>
    private let longSlots: [String: Int32]
    /// In table (rowid) order.
    private let rows: [Packed]
    private let keys: [CompactKey]
    /// Keys longer than `CompactKey` holds, by slot (their `keys` entry is empty).
    private let longKeys: [Int32: String]

    /// One row in 32 bytes (optionals and flag packed).
    private struct Packed: Sendable {
        var rowid: Int64
        var fingerprint: Int64
        var rawFingerprint: Int64
        var flags: UInt8
        static let active: UInt8 = 1
        static let hasFingerprint: UInt8 = 2
        static let hasRaw: UInt8 = 4

        var row: StoredRow {
            StoredRow(
                rowid: rowid, fingerprint: flags & Self.hasFingerprint != 0 ? fingerprint : nil,
                rawFingerprint: flags & Self.hasRaw != 0 ? rawFingerprint : nil, active: flags & Self.active != 0
            )
        }
    }

    /// One scan of `table` (rowid order) reading its key, fingerprints and active flag. A large
    /// table is scanned in two halves at once, the upper one on a read-only connection of its own
    /// (it sees the table as it was committed, which is what this import starts from: the WAL
    /// snapshot, or under the rollback journal an import alone uses, the file, where nothing of
    /// this import's transaction is written yet). At 1 M residents the scan was 0.5 s before
    /// any record could be read.
    init(table: String, keyColumn: String, db: Database) throws {
        let capacity = try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0
        let sql = """
            SELECT rowid, \(keyColumn), row_fingerprint, active, raw_fingerprint FROM \(table)
            WHERE rowid > ? AND rowid <= ? ORDER BY rowid
            """
        let middle = Int64(capacity / 2)
        var upper: BackgroundTask<Part>?
        if capacity >= 200_000, let path = Self.path(db) {
            upper = BackgroundTask { try Self.scan(path: path, sql: sql, from: middle, to: Int64.max, table: table) }
        }
        var rows = Part()
        rows.reserve(capacity)
        rows.append(try Self.scan(db.makeStatement(sql: sql), from: Int64.min, to: upper == nil ? Int64.max : middle, table: table, db))
        if let upper {
            let part: Part
            do { part = try upper.value() } catch {
                // Best effort: the upper half on this connection after all.
                part = try Self.scan(db.makeStatement(sql: sql), from: middle, to: Int64.max, table: table, db)
            }
            rows.append(part)
        }
        var slots = KeySlots<CompactKey>(capacity: rows.keys.count)
        for slot in rows.keys.indices where rows.longKeys.isEmpty || rows.longKeys[Int32(slot)] == nil {
            slots.insert(index: Int32(slot), of: rows.keys)
        }
        var longSlots: [String: Int32] = [:]
        for (slot, key) in rows.longKeys { longSlots[key] = slot }
        self.slots = slots
        self.longSlots = longSlots
        self.rows = rows.rows
        self.keys = rows.keys
        self.longKeys = rows.longKeys
    }

    /// Rows of one range of rowids, in rowid order.
    private struct Part: Sendable {
        var rows: [Packed] = []
        var keys: [CompactKey] = []
        var longKeys: [Int32: String] = [:]

        mutating func reserve(_ count: Int) {
            rows.reserveCapacity(count)
            keys.reserveCapacity(count)
        }

        mutating func append(_ other: Part) {
            let offset = Int32(rows.count)
            rows += other.rows
            keys += other.keys
            for (slot, key) in other.longKeys { longKeys[slot + offset] = key }
        }
    }

    private static func scan(_ statement: Statement, from low: Int64, to high: Int64, table: String, _ db: Database) throws -> Part {
        try statement.setArguments([low, high])
        return try scan(statement.sqliteStatement, table: table) { String(cString: sqlite3_errmsg(db.sqliteConnection)) }
    }

    /// The same on a read-only connection of its own.
    private static func scan(path: String, sql: String, from low: Int64, to high: Int64, table: String) throws -> Part {
        var connection: OpaquePointer?
        defer { sqlite3_close_v2(connection) }
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
              let connection else { throw StoreError("读取\(table)失败：不能再打开数据库") }
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError("读取\(table)失败：\(String(cString: sqlite3_errmsg(connection)))")
        }
        sqlite3_bind_int64(statement, 1, low)
        sqlite3_bind_int64(statement, 2, high)
        return try scan(statement, table: table) { String(cString: sqlite3_errmsg(connection)) }
    }

    private static func scan(_ handle: OpaquePointer, table: String, error: () -> String) throws -> Part {
        var part = Part()
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle) & 0xFF
            guard code == SQLITE_ROW else {
                guard code == SQLITE_DONE else { throw StoreError("读取\(table)失败：\(error())") }
                return part
            }
            guard let text = sqlite3_column_text(handle, 1) else { continue }
            let bytes = UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 1)))
            var flags: UInt8 = sqlite3_column_int64(handle, 3) != 0 ? Packed.active : 0
            if sqlite3_column_type(handle, 2) != SQLITE_NULL { flags |= Packed.hasFingerprint }
            if sqlite3_column_type(handle, 4) != SQLITE_NULL { flags |= Packed.hasRaw }
            let slot = Int32(part.rows.count)
            part.rows.append(Packed(
                rowid: sqlite3_column_int64(handle, 0), fingerprint: sqlite3_column_int64(handle, 2),
                rawFingerprint: sqlite3_column_int64(handle, 4), flags: flags
            ))
            if let key = CompactKey(bytes: bytes) {
                part.keys.append(key)
            } else {
                part.longKeys[slot] = String(decoding: bytes, as: UTF8.self)
                part.keys.append(CompactKey())
            }
        }
    }

    private static func path(_ db: Database) -> String? {
        guard let name = sqlite3_db_filename(db.sqliteConnection, "main") else { return nil }
        let path = String(cString: name)
        return path.isEmpty ? nil : path
    }

    public var count: Int { rows.count }

    /// The slot of the stored row with this key, if any.
    public func slot(of key: String) -> Int? {
        if let compact = CompactKey(key) { return slots.find(compact, in: keys).map(Int.init) }
        return longSlots[key].map(Int.init)
    }

    /// The slot and value fingerprint (`row_fingerprint`) of the active row with exactly this
    /// key (UTF-8 bytes as the file wrote them), when it was stored from a record with raw
    /// fingerprint `raw`: validating the record again would give the stored values. The slot
    /// after `previous` is tried before the hash table: a file in the table's order (the usual
    /// night) then reads the table in sequence instead of probing it at random.
    public func unchanged(key: UnsafeRawBufferPointer, raw: Int64, after previous: Int = -1) -> (slot: Int, fingerprint: Int64)? {
        // No stored key is empty, and an empty one would equal a long key's placeholder.
        guard !key.isEmpty else { return nil }
        let found: Int32?
        if let compact = CompactKey(bytes: key) {
            let next = previous + 1
            found = next >= 0 && next < keys.count && keys[next] == compact ? Int32(next) : slots.find(compact, in: keys)
        } else {
            found = longSlots[String(decoding: key, as: UTF8.self)]
        }
        guard let found else { return nil }
        let row = rows[Int(found)]
        let needed = Packed.active | Packed.hasFingerprint | Packed.hasRaw
        guard row.flags & needed == needed, row.rawFingerprint == raw else { return nil }
        return (Int(found), row.fingerprint)
    }

    /// The key of a slot, as stored.
    public func key(at slot: Int) -> String {
        longKeys[Int32(slot)] ?? keys[slot].string
    }

    func row(at slot: Int) -> StoredRow {
        rows[slot].row
    }

    /// The active rows whose slot is not marked in `seen`, in table (rowid) order.
    func unseenActive(_ seen: [Bool]) -> [(rowid: Int64, key: String)] {
        var out: [(rowid: Int64, key: String)] = []
        for (slot, row) in rows.enumerated() where row.flags & Packed.active != 0 && !seen[slot] {
            out.append((row.rowid, key(at: slot)))
        }
        return out
    }
}
