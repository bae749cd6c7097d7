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
    /// The table's name as SQL quotes it (for messages).
    let table: String
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
    init(
        table: String, slots: StoredSlots, index: StoredKeyIndex, summary: SlotRegionWriter.Summary, firstRowid: Int64, rowids: [Int64]?
    ) {
        self.table = table
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

    /// Indexes `slots` (as `summary` describes them) into a table of `table`'s rows.
    static func make(
        _ slots: StoredSlots, _ summary: SlotRegionWriter.Summary, firstRowid: Int64, rowids: [Int64]?, table: String
    ) throws -> StoredRowTable {
        guard let index = StoredKeyIndex(of: slots, keys: summary.present - summary.longKeys.count) else {
            throw fileFailure(table, directory: slots.file.directory, "写不进")
        }
        return StoredRowTable(table: table, slots: slots, index: index, summary: summary, firstRowid: firstRowid, rowids: rowids)
    }

    /// A new spill file beside the store for a table's slots.
    static func spillFile(_ db: Database, table: String) throws -> SpillFile {
        let directory = SpillFile.directory(of: db) ?? "."
        guard let file = SpillFile(directory: directory) else { throw fileFailure(table, directory: directory, "建不了") }
        return file
    }

    /// The stored rows' file beside the store could not be made, written or read (`what`): the
    /// import stops before it changes anything, and says where and what to check.
    static func fileFailure(_ table: String, directory: String, _ what: String) -> StoreError {
        StoreError("""
            读取\(table)已存的行失败：数据库旁的临时文件\(what)（目录 \(directory)）。本次导入未完成，数据库保持原样；\
            请确认该目录可写、磁盘空间足够后重新导入。
            """)
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
    func forEachUnseenActive(
        _ seen: [UInt64], _ body: (_ slot: Int, _ rowid: Int64, _ key: String, _ row: Packed) throws -> Void
    ) throws {
        let read = try slots.forEach { slot, row, bytes, offset in
            guard row.flags & Packed.active != 0, seen[slot >> 6] & (1 << UInt64(slot & 63)) == 0 else { return }
            let key = longKeys[Int32(slot)] ?? Self.key(slots.probe(bytes, at: offset))
            try body(slot, rowid(at: slot), key, row)
        }
        guard read else { throw Self.fileFailure(table, directory: slots.file.directory, "读不出") }
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
        if failed { throw Self.fileFailure(table, directory: slots.file.directory, "读不出") }
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
        guard read else { throw Self.fileFailure(table, directory: slots.file.directory, "读不出") }
        return all
    }
}
