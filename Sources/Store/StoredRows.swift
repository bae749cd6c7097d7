internal import Datasets
internal import Foundation
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

    init(rowid: Int64, fingerprint: Int64?, rawFingerprint: Int64?, active: Bool) {
        self.rowid = rowid
        self.fingerprint = fingerprint
        self.rawFingerprint = rawFingerprint
        self.active = active
    }

    init(rowid: Int64, _ row: StoredRowTable.Packed) {
        self.init(
            rowid: rowid, fingerprint: row.flags & StoredRowTable.Packed.hasFingerprint != 0 ? row.fingerprint : nil,
            rawFingerprint: row.flags & StoredRowTable.Packed.hasRaw != 0 ? row.rawFingerprint : nil,
            active: row.flags & StoredRowTable.Packed.active != 0
        )
    }
}

/// Every row of a profile table at the start of a full extract (key, fingerprints, active flag),
/// read once, as the import starts, into a file of its own beside the store (`StoredSlots`, an
/// unlinked `SpillFile`) with an index of its keys (`StoredKeyIndex`), and read from there by
/// every stage of the import (it does not change while the import runs):
///
/// - the reading thread asks whether a record's key and raw fingerprint match an active row
///   (`StoredRowCursor.unchanged`): such a record is skipped unvalidated and travels on as its slot;
/// - the thread resolving the file's repeats tells repeats of stored keys by slot;
/// - the writer finds each other row by key, notes by slot which keys the file contained, and
///   reads the rest in order (`forEachUnseenActive`) without a second scan.
///
/// Each stage walks the file in order with a cursor of its own (`StoredRowCursor`): a night's
/// records are mostly where the table has them, so they are found by reading the slots in order,
/// and the others through the index. Held in memory (17 bytes a row, its key in 8 or 24 and a
/// hash table's slots), the rows made a night's memory grow with the table: 204 MiB at 4 M
/// residents, 95 at 1 M, 64 at 250,000. In the file, the kernel's page cache holds them, not
/// the process.
///
/// Slots are rowids: rows are never deleted, so a table's rowids have no gaps, and slot `s` holds
/// the row with rowid `firstRowid + s` (a rowid with no row is an empty slot); a table with many
/// gaps (not one this program wrote) keeps each slot's rowid as well, in memory.
public final class StoredRowTable: @unchecked Sendable {
    let slots: StoredSlots
    private let index: StoredKeyIndex
    /// Keys longer than `CompactKey` holds, by slot (their slots' keys are empty), and back.
    let longKeys: [Int32: String]
    private let longSlots: [String: Int32]
    let firstRowid: Int64
    /// Each slot's rowid, when they are not `firstRowid + slot` (a table with many gaps).
    let rowids: [Int64]?
    /// Every present key up to a compact key's length is a 身份证号 (the snapshot a night leaves
    /// then keeps 8 bytes a key, whatever form it was read from).
    let keysAreDigits: Bool
    /// Set by a read of the file that failed (`noteUnreadable`): the import fails at the end.
    private let failure = NSLock()
    private var unreadable = false

    /// One row (optionals and flags packed; the rowid is the slot's), kept in 17 bytes (`PackedRows`).
    public struct Packed: Sendable, Equatable {
        var fingerprint: Int64 = 0
        var rawFingerprint: Int64 = 0
        var flags: UInt8 = 0
        static let active: UInt8 = 1
        static let hasFingerprint: UInt8 = 2
        static let hasRaw: UInt8 = 4
        /// A row is in the slot (an empty slot: no row has its rowid).
        static let present: UInt8 = 8

        /// The stored value fingerprint (`row_fingerprint`), if the row has one.
        public var valueFingerprint: Int64? { flags & Self.hasFingerprint != 0 ? fingerprint : nil }
    }

    /// A read of the table's file failed.
    struct UnreadableFile: Error {}

    /// The table of rows written to `slots`, indexed.
    init(slots: StoredSlots, index: StoredKeyIndex, summary: SlotRegionWriter.Summary, firstRowid: Int64, rowids: [Int64]?) {
        var longSlots: [String: Int32] = [:]
        for (slot, key) in summary.longKeys { longSlots[key] = slot }
        self.slots = slots
        self.index = index
        self.longKeys = summary.longKeys
        self.longSlots = longSlots
        self.firstRowid = firstRowid
        self.rowids = rowids
        keysAreDigits = summary.allDigits
    }

    /// Indexes `slots` (as `summary` describes them) into a table; nil if its file failed.
    static func make(_ slots: StoredSlots, _ summary: SlotRegionWriter.Summary, firstRowid: Int64, rowids: [Int64]?) -> StoredRowTable? {
        guard let index = StoredKeyIndex(of: slots, keys: summary.present - summary.longKeys.count) else { return nil }
        return StoredRowTable(slots: slots, index: index, summary: summary, firstRowid: firstRowid, rowids: rowids)
    }

    /// A new spill file beside the store for a table's slots.
    static func spillFile(_ db: Database, table: String) throws -> SpillFile {
        guard let directory = SpillFile.directory(of: db), let file = SpillFile(directory: directory) else {
            throw StoreError("读取\(table)失败：不能在数据库旁建临时文件")
        }
        return file
    }

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
                guard let made = Self.make(slots, summary, firstRowid: low, rowids: nil) else {
                    throw StoreError("读取\(table)失败：不能写临时文件（磁盘满了？）")
                }
                return made
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
        guard let made = Self.make(slots, try writer.finish(table), firstRowid: low, rowids: all) else {
            throw StoreError("读取\(table)失败：不能写临时文件（磁盘满了？）")
        }
        return made
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

    /// Slots, empty ones included.
    public var count: Int { slots.count }

    /// A cursor for one thread's records in file order.
    public func makeCursor() -> StoredRowCursor { StoredRowCursor(self) }

    /// The slot of the long key `text`, if a row has it.
    func longSlot(_ text: String) -> Int? { longSlots[text].map(Int.init) }

    /// The slot and row of a present key through the index (nil also when the file cannot be
    /// read, which is noted: the import fails).
    func indexed(_ probe: StoredKeyProbe) -> (slot: Int, row: Packed)? {
        do { return try index.slot(of: probe) } catch {
            noteUnreadable()
            return nil
        }
    }

    /// One slot's row, read from the file (nil if it cannot be: noted, the import fails).
    func packed(at slot: Int) -> Packed? {
        withUnsafeTemporaryAllocation(byteCount: slots.slotSize, alignment: 8) { buffer in
            guard slots.read(from: slot, into: buffer) else {
                noteUnreadable()
                return nil
            }
            return PackedRows.load(UnsafeRawBufferPointer(buffer), at: 0)
        }
    }

    /// The key of a slot, as stored.
    public func key(at slot: Int) -> String {
        if let long = longKeys[Int32(slot)] { return long }
        return withUnsafeTemporaryAllocation(byteCount: slots.slotSize, alignment: 8) { buffer in
            guard slots.read(from: slot, into: buffer) else {
                noteUnreadable()
                return ""
            }
            return Self.key(slots.probe(UnsafeRawBufferPointer(buffer), at: 0))
        }
    }

    /// A probe's key as text ("" for none).
    static func key(_ probe: StoredKeyProbe) -> String {
        switch probe {
        case .digits(let key): key.withBytes { String(decoding: $0, as: UTF8.self) }
        case .compact(let key): key.string
        case .long(let text): text
        case .absent: ""
        }
    }

    func rowid(at slot: Int) -> Int64 {
        rowids?[slot] ?? firstRowid + Int64(slot)
    }

    /// Every active row whose slot is not in `seen` (a bit a slot), in table (rowid) order.
    func forEachUnseenActive(_ seen: [UInt64], _ body: (_ slot: Int, _ rowid: Int64, _ key: String) throws -> Void) throws {
        let read = try slots.forEach { slot, row, bytes, offset in
            guard row.flags & Packed.active != 0, seen[slot >> 6] & (1 << UInt64(slot & 63)) == 0 else { return }
            let key = longKeys[Int32(slot)] ?? Self.key(slots.probe(bytes, at: offset))
            try body(slot, rowid(at: slot), key)
        }
        guard read else { throw StoreError("读取临时文件失败：本次导入未完成，数据库保持原样") }
    }

    /// A read of the file failed somewhere (a record then went on as if its key were new).
    func noteUnreadable() {
        failure.lock()
        unreadable = true
        failure.unlock()
    }

    /// Throws if any read of the file failed: what was found from it cannot be trusted.
    func checkReadable() throws {
        failure.lock()
        let failed = unreadable
        failure.unlock()
        if failed { throw StoreError("读取临时文件失败：本次导入未完成，数据库保持原样") }
    }

    /// Every slot's value fingerprint (`row_fingerprint`, 0 where there is none), in slot order:
    /// 8 bytes a row, for a night that changed most of them (`RepeatDetector`).
    public func valueFingerprints() -> [Int64] {
        var all = [Int64](repeating: 0, count: count)
        if !slots.forEach({ slot, row, _, _ in all[slot] = row.valueFingerprint ?? 0 }) { noteUnreadable() }
        return all
    }

    /// Every slot's row and key, in order (tests compare tables so).
    func allSlots() throws -> [(row: Packed, key: String)] {
        var all: [(row: Packed, key: String)] = []
        let read = slots.forEach { slot, row, bytes, offset in
            all.append((row, longKeys[Int32(slot)] ?? Self.key(slots.probe(bytes, at: offset))))
        }
        guard read else { throw StoreError("读取临时文件失败") }
        return all
    }
}
