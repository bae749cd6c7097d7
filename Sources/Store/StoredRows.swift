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
    private struct Packed {
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

    /// One scan of `table` (rowid order) reading its key, fingerprints and active flag.
    init(table: String, keyColumn: String, db: Database) throws {
        let capacity = try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0
        var slots = KeySlots<CompactKey>(capacity: capacity)
        var longSlots: [String: Int32] = [:]
        var rows: [Packed] = []
        var keys: [CompactKey] = []
        var longKeys: [Int32: String] = [:]
        rows.reserveCapacity(capacity)
        keys.reserveCapacity(capacity)
        let scan = try db.makeStatement(sql: """
            SELECT rowid, \(keyColumn), row_fingerprint, active, raw_fingerprint FROM \(table) ORDER BY rowid
            """)
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
            let bytes = UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 1)))
            var flags: UInt8 = sqlite3_column_int64(handle, 3) != 0 ? Packed.active : 0
            if sqlite3_column_type(handle, 2) != SQLITE_NULL { flags |= Packed.hasFingerprint }
            if sqlite3_column_type(handle, 4) != SQLITE_NULL { flags |= Packed.hasRaw }
            let slot = Int32(rows.count)
            rows.append(Packed(
                rowid: sqlite3_column_int64(handle, 0), fingerprint: sqlite3_column_int64(handle, 2),
                rawFingerprint: sqlite3_column_int64(handle, 4), flags: flags
            ))
            if let key = CompactKey(bytes: bytes) {
                keys.append(key)
                slots.insert(index: slot, of: keys)
            } else {
                let key = String(decoding: bytes, as: UTF8.self)
                longSlots[key] = slot
                longKeys[slot] = key
                keys.append(CompactKey())
            }
        }
        self.slots = slots
        self.longSlots = longSlots
        self.rows = rows
        self.keys = keys
        self.longKeys = longKeys
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
