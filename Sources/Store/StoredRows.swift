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
/// would hold the whole file (or spill it). Slots are rowids: rows are never deleted, so a
/// table's rowids have no gaps, and slot `s` holds the row with rowid `firstRowid + s` (a rowid
/// with no row is an empty slot). 17 bytes a row (`PackedRows`), its key in 8 (a 身份证号) or
/// 24 (`SlotKeys`), and the key table's slots; a table with many gaps (not one this program
/// wrote) keeps each slot's rowid as well.
public final class StoredRowTable: Sendable {
    /// Each slot's key of up to 23 bytes and their slots by key (`SlotKeys`); longer ones' slots.
    let keys: SlotKeys
    private let longSlots: [String: Int32]
    let rows: PackedRows
    /// Keys longer than `CompactKey` holds, by slot (their `keys` entry is empty).
    let longKeys: [Int32: String]
    let firstRowid: Int64
    /// Each slot's rowid, when they are not `firstRowid + slot` (a table with many gaps).
    let rowids: [Int64]?

    /// One row (optionals and flags packed; the rowid is the slot's), kept in 17 bytes (`PackedRows`).
    struct Packed: Sendable, Equatable {
        var fingerprint: Int64 = 0
        var rawFingerprint: Int64 = 0
        var flags: UInt8 = 0
        static let active: UInt8 = 1
        static let hasFingerprint: UInt8 = 2
        static let hasRaw: UInt8 = 4
        /// A row is in the slot (an empty slot: no row has its rowid).
        static let present: UInt8 = 8
    }

    /// Where a scan puts the rows it reads (two scans at once write disjoint slots).
    private struct Sink: @unchecked Sendable {
        let rows: PackedRows.Sink
        let keys: Keys
        let firstRowid: Int64
    }

    /// Where a scan puts each slot's key: 8 bytes while every key is a 身份证号 (a scan meeting
    /// another stops, `NotDigitKeys`, and the table is scanned again into 24), as `SlotKeys`
    /// keeps them. Scanned into 24 bytes a slot and converted after, a residents' table held
    /// both for a moment: the first night after a first load peaked there.
    private enum Keys {
        case digits(UnsafeMutableBufferPointer<DigitKey>)
        case compact(UnsafeMutableBufferPointer<CompactKey>)
    }

    private struct NotDigitKeys: Error {}

    /// One scan of `table` (rowid order) reading its key, fingerprints and active flag. A large
    /// table is scanned in two halves at once, the upper one on a read-only connection of its own
    /// (it sees the table as it was committed, which is what this import starts from: the WAL
    /// snapshot, or under the rollback journal an import alone uses, the file, where nothing of
    /// this import's transaction is written yet), each half straight into its own slots. At 1 M
    /// residents the scan was 0.5 s before any record could be read; the upper half scanned into
    /// arrays of its own and appended (at 4 M residents 112 MB more, and the night's peak).
    convenience init(table: String, keyColumn: String, db: Database) throws {
        let sql = """
            SELECT rowid, \(keyColumn), row_fingerprint, active, raw_fingerprint FROM \(table)
            WHERE rowid >= ? AND rowid <= ? ORDER BY rowid
            """
        let shape = try TableShape(table: table, db)
        let low = shape.low, high = shape.high, count = shape.count
        let span = count == 0 ? 0 : Int(high - low) + 1
        // Gaps (rows deleted by hand) would cost a slot each: past an eighth, slots go in order.
        let dense = span <= count + count / 8 + 1024
        var rows = PackedRows(count: dense ? span : count)
        var longKeys: [Int32: String] = [:]
        var rowids: [Int64]?
        let keys: SlotKeys
        if dense {
            /// The table's rows into `rows` and their keys into `sink`'s, in two halves at once.
            func scan(_ keys: Keys) throws {
                try rows.withSink { rows in
                    let sink = Sink(rows: rows, keys: keys, firstRowid: low)
                    let middle = low + Int64(span / 2)
                    var upper: BackgroundTask<[Int32: String]>?
                    if span >= 200_000, let path = Self.path(db) {
                        upper = BackgroundTask { try Self.scan(path: path, sql: sql, from: middle, to: high, table: table, into: sink) }
                    }
                    let lower = Result {
                        try Self.scan(db.makeStatement(sql: sql), from: low, to: upper == nil ? high : middle - 1, table: table, db, into: sink)
                    }
                    // The upper half is waited for whatever became of the lower: it writes into
                    // these buffers, which must outlive it.
                    var more: [Int32: String] = [:]
                    if let upper, case .success = lower {
                        do { more = try upper.value() } catch is NotDigitKeys {
                            throw NotDigitKeys()
                        } catch {
                            // Best effort: the upper half on this connection after all.
                            more = try Self.scan(db.makeStatement(sql: sql), from: middle, to: high, table: table, db, into: sink)
                        }
                    } else if let upper {
                        _ = try? upper.value()
                    }
                    longKeys = try lower.get().merging(more) { first, _ in first }
                }
            }
            var digits = [DigitKey](repeating: .empty, count: rows.count)
            do {
                try digits.withUnsafeMutableBufferPointer { try scan(.digits($0)) }
                keys = SlotKeys(digits: digits) { [rows, longKeys] in Self.hasCompactKey(rows, longKeys, $0) }
            } catch is NotDigitKeys {
                digits = []
                longKeys = [:]
                var compact = [CompactKey](repeating: CompactKey(), count: rows.count)
                try compact.withUnsafeMutableBufferPointer { try scan(.compact($0)) }
                keys = SlotKeys(compact: compact) { [rows, longKeys] in Self.hasCompactKey(rows, longKeys, $0) }
            }
        } else {
            var compact = [CompactKey](repeating: CompactKey(), count: rows.count)
            var all: [Int64] = []
            all.reserveCapacity(count)
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments([low, high])
            var slot = 0
            try Self.rows(of: statement.sqliteStatement, table: table, error: { String(cString: sqlite3_errmsg(db.sqliteConnection)) }) {
                rowid, row, key in
                guard slot < rows.count else { throw StoreError("读取\(table)失败：行数在读取时变了") }
                all.append(rowid)
                rows[slot] = row
                if let key = CompactKey(bytes: key) { compact[slot] = key } else { longKeys[Int32(slot)] = String(decoding: key, as: UTF8.self) }
                slot += 1
            }
            rowids = all
            keys = SlotKeys(compact) { [rows, longKeys] in Self.hasCompactKey(rows, longKeys, $0) }
        }
        self.init(rows: rows, keys: keys, longKeys: longKeys, firstRowid: low, rowids: rowids)
    }

    /// Whether `slot` holds a row whose key is kept in `SlotKeys` (not a long one).
    static func hasCompactKey(_ rows: PackedRows, _ longKeys: [Int32: String], _ slot: Int) -> Bool {
        rows[slot].flags & Packed.present != 0 && (longKeys.isEmpty || longKeys[Int32(slot)] == nil)
    }

    /// The table of rows read (by a scan, or from a snapshot).
    init(rows: PackedRows, keys: SlotKeys, longKeys: [Int32: String], firstRowid: Int64, rowids: [Int64]?) {
        var longSlots: [String: Int32] = [:]
        for (slot, key) in longKeys { longSlots[key] = slot }
        self.longSlots = longSlots
        self.rows = rows
        self.keys = keys
        self.longKeys = longKeys
        self.firstRowid = firstRowid
        self.rowids = rowids
    }

    /// The rows with rowids `low...high` into their slots; their long keys, by slot.
    private static func scan(
        _ statement: Statement, from low: Int64, to high: Int64, table: String, _ db: Database, into sink: Sink
    ) throws -> [Int32: String] {
        try statement.setArguments([low, high])
        return try scan(statement.sqliteStatement, table: table, into: sink) { String(cString: sqlite3_errmsg(db.sqliteConnection)) }
    }

    /// The same on a read-only connection of its own.
    private static func scan(path: String, sql: String, from low: Int64, to high: Int64, table: String, into sink: Sink) throws -> [Int32: String] {
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
        return try scan(statement, table: table, into: sink) { String(cString: sqlite3_errmsg(connection)) }
    }

    private static func scan(_ handle: OpaquePointer, table: String, into sink: Sink, error: () -> String) throws -> [Int32: String] {
        var longKeys: [Int32: String] = [:]
        try rows(of: handle, table: table, error: error) { rowid, row, key in
            let slot = Int(rowid - sink.firstRowid)
            guard slot >= 0, slot < sink.rows.count else { throw StoreError("读取\(table)失败：行号在读取时变了") }
            sink.rows.set(slot, row)
            switch sink.keys {
            case .digits(let keys):
                if let digit = DigitKey(bytes: key) {
                    keys[slot] = digit
                } else if key.count > CompactKey.capacity {
                    longKeys[Int32(slot)] = String(decoding: key, as: UTF8.self)
                } else {
                    throw NotDigitKeys()
                }
            case .compact(let keys):
                if let compact = CompactKey(bytes: key) {
                    keys[slot] = compact
                } else {
                    longKeys[Int32(slot)] = String(decoding: key, as: UTF8.self)
                }
            }
        }
        return longKeys
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

    public var count: Int { rows.count }

    /// The slot of the stored row with this key, if any.
    public func slot(of key: String) -> Int? {
        guard key.utf8.count <= CompactKey.capacity else { return longSlots[key].map(Int.init) }
        var key = key
        return key.withUTF8 { keys.slot(of: UnsafeRawBufferPointer($0)) }.map(Int.init)
    }

    /// The slot and value fingerprint (`row_fingerprint`) of the active row with exactly this
    /// key (UTF-8 bytes as the file wrote them), when it was stored from a record with raw
    /// fingerprint `raw`: validating the record again would give the stored values. The slot
    /// after `previous` is tried before the hash table: a file in the table's order (the usual
    /// night) then reads the table in sequence instead of probing it at random.
    public func unchanged(key: UnsafeRawBufferPointer, raw: Int64, after previous: Int = -1) -> (slot: Int, fingerprint: Int64)? {
        // No stored key is empty, and an empty one would equal a long key's placeholder.
        guard !key.isEmpty else { return nil }
        let found = key.count <= CompactKey.capacity
            ? keys.slot(of: key, after: previous) : longSlots[String(decoding: key, as: UTF8.self)]
        guard let found else { return nil }
        let row = rows[Int(found)]
        let needed = Packed.active | Packed.hasFingerprint | Packed.hasRaw
        guard row.flags & needed == needed, row.rawFingerprint == raw else { return nil }
        return (Int(found), row.fingerprint)
    }

    /// The stored value fingerprint (`row_fingerprint`) of a slot's row, if it has one.
    public func fingerprint(at slot: Int) -> Int64? {
        let row = rows[slot]
        return row.flags & Packed.hasFingerprint != 0 ? row.fingerprint : nil
    }

    /// The key of a slot, as stored.
    public func key(at slot: Int) -> String {
        longKeys[Int32(slot)] ?? keys.compact(at: slot).string
    }

    func row(at slot: Int) -> StoredRow {
        let row = rows[slot]
        return StoredRow(
            rowid: rowid(at: slot), fingerprint: row.flags & Packed.hasFingerprint != 0 ? row.fingerprint : nil,
            rawFingerprint: row.flags & Packed.hasRaw != 0 ? row.rawFingerprint : nil, active: row.flags & Packed.active != 0
        )
    }

    func rowid(at slot: Int) -> Int64 {
        rowids?[slot] ?? firstRowid + Int64(slot)
    }

    /// The active rows whose slot is not marked in `seen`, in table (rowid) order.
    func unseenActive(_ seen: [Bool]) -> [(slot: Int, rowid: Int64, key: String)] {
        var out: [(slot: Int, rowid: Int64, key: String)] = []
        for slot in rows.indices where rows[slot].flags & Packed.active != 0 && !seen[slot] {
            out.append((slot, rowid(at: slot), key(at: slot)))
        }
        return out
    }
}
