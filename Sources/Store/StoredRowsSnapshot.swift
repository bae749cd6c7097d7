internal import Datasets
internal import GRDB
internal import GRDBSQLite

/// The stored rows a night starts from (`StoredRowTable`: each row's key, fingerprints and
/// active flag), kept as a column-cache entry (`ColumnCache`) of the import that left them, so
/// that the next full extract reads 41 bytes a row instead of scanning the whole table (about
/// 250 MB of pages at 1 M residents). Written by a first load from its rows as they are written
/// (`StoredRowsCollector`) and by each night from its table with its own inserts, updates,
/// fingerprint records and retirements applied (`StoredRowEdits`).
///
/// Trusted as the column cache is, by generation: only imports change profile rows, each adds an
/// `imports` row, and the entry is read only when it belongs to the latest import before this
/// one (a rejected import relabels it: its rows rolled back). Besides, the table's first and
/// last rowid and its row count must be the snapshot's, and a sample of slots spread over the
/// table must equal their rows (key, both fingerprints, active). Anything amiss and the night
/// scans the table as before: the snapshot only saves time, and a night that cannot write one
/// (a table with many rowid gaps) leaves none.
///
/// Layout, little-endian: a 32-byte header (magic, first rowid, slots, long keys); per slot its
/// flags (1 byte), row and raw fingerprint (8 each) and compact key (24, zeros for a long key or
/// an empty slot); then each long key as slot (4), length (4) and its bytes.
enum StoredRowsSnapshot {
    static let entry = ":stored-rows"
    static let magic: UInt64 = 0x0153_5752_4F52_534D  // "MSROWS", version 1
    static let headerSize = 32
    static let slotSize = 41
    /// Slots read or written at a time (about 1 MB).
    static let pieceSlots = 25_600

    static func header(firstRowid: Int64, slots: Int, longKeys: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize)
        for word in [magic, UInt64(bitPattern: firstRowid), UInt64(slots), UInt64(longKeys)] {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Stores one slot's `slotSize` bytes at `slot` of `buffer` (stores, not appends: a million
    /// slots appended field by field to an array were 0.17 s of a first load's CPU).
    static func store(_ row: StoredRowTable.Packed, _ key: CompactKey, at slot: Int, of buffer: UnsafeMutableRawBufferPointer) {
        let offset = slot * slotSize
        buffer.storeBytes(of: row.flags, toByteOffset: offset, as: UInt8.self)
        buffer.storeBytes(of: row.fingerprint.littleEndian, toByteOffset: offset + 1, as: Int64.self)
        buffer.storeBytes(of: row.rawFingerprint.littleEndian, toByteOffset: offset + 9, as: Int64.self)
        buffer.storeBytes(of: key, toByteOffset: offset + 17, as: CompactKey.self)
    }

    static func append(longKey key: UnsafeRawBufferPointer, slot: Int32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: slot.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: Int32(key.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: key)
    }

    /// The slot at `offset` of `bytes` (`slotSize` bytes from there).
    static func slot(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> (StoredRowTable.Packed, CompactKey) {
        var row = StoredRowTable.Packed()
        row.flags = bytes[offset]
        row.fingerprint = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 1, as: Int64.self))
        row.rawFingerprint = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 9, as: Int64.self))
        var key = CompactKey()
        withUnsafeMutableBytes(of: &key) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[(offset + 17)..<(offset + 41)])) }
        return (row, key)
    }

    /// The previous import's generation: the one whose snapshot describes the table now.
    static func previousGeneration(kind: DatasetKind, before importID: Int64, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT max(id) FROM imports WHERE kind = ? AND id < ?", arguments: [kind.rawValue, importID])
    }
}

/// A night's changes to its stored rows, by slot, for the snapshot it leaves
/// (`StoredRowTable.saveSnapshot`).
struct StoredRowEdits {
    /// Each changed slot's row as it now is.
    private(set) var changed: [Int32: StoredRowTable.Packed] = [:]
    /// Rows inserted, in rowid order after the table's last: their rows and keys.
    private(set) var appended: [(row: StoredRowTable.Packed, key: String)] = []
    /// An insert was not where a snapshot would put it: none is written.
    private(set) var broken = false

    private func current(_ slot: Int, _ stored: StoredRowTable) -> StoredRowTable.Packed {
        changed[Int32(slot)] ?? stored.rows[slot]
    }

    /// The row in `slot` now holds values of `fingerprint`, from raw bytes `raw`, and is active.
    mutating func set(_ slot: Int, fingerprint: Int64, raw: Int64?, in stored: StoredRowTable) {
        var row = current(slot, stored)
        row.fingerprint = fingerprint
        row.rawFingerprint = raw ?? 0
        row.flags = StoredRowTable.Packed.present | StoredRowTable.Packed.active | StoredRowTable.Packed.hasFingerprint
            | (raw == nil ? 0 : StoredRowTable.Packed.hasRaw)
        changed[Int32(slot)] = row
    }

    /// The row in `slot` was confirmed from raw bytes `raw` (its values unchanged).
    mutating func setRaw(_ slot: Int, _ raw: Int64, in stored: StoredRowTable) {
        var row = current(slot, stored)
        row.rawFingerprint = raw
        row.flags |= StoredRowTable.Packed.hasRaw
        changed[Int32(slot)] = row
    }

    /// The row in `slot` is retired.
    mutating func retire(_ slot: Int, in stored: StoredRowTable) {
        var row = current(slot, stored)
        row.flags &= ~StoredRowTable.Packed.active
        changed[Int32(slot)] = row
    }

    /// A new row, inserted at `rowid`.
    mutating func insert(rowid: Int64, key: String, fingerprint: Int64, raw: Int64?, in stored: StoredRowTable) {
        guard stored.rowids == nil, rowid == stored.firstRowid + Int64(stored.count + appended.count) else {
            broken = true
            return
        }
        let flags = StoredRowTable.Packed.present | StoredRowTable.Packed.active | StoredRowTable.Packed.hasFingerprint
            | (raw == nil ? 0 : StoredRowTable.Packed.hasRaw)
        appended.append((StoredRowTable.Packed(fingerprint: fingerprint, rawFingerprint: raw ?? 0, flags: flags), key))
    }
}

extension StoredRowTable {
    /// The stored rows of `table` (key column `keyColumn`) from the snapshot the previous import
    /// left, when it matches the table (see `StoredRowsSnapshot`); otherwise one scan.
    static func load(table: String, keyColumn: String, kind: DatasetKind, importID: Int64, db: Database) throws -> StoredRowTable {
        if let generation = try StoredRowsSnapshot.previousGeneration(kind: kind, before: importID, db),
           let loaded = try? snapshot(of: table, keyColumn: keyColumn, kind: kind, generation: generation, db) {
            return loaded
        }
        return try StoredRowTable(table: table, keyColumn: keyColumn, db: db)
    }

    /// The snapshot of `generation`, nil when there is none or it does not match the table.
    static func snapshot(of table: String, keyColumn: String, kind: DatasetKind, generation: Int64, _ db: Database) throws -> StoredRowTable? {
        guard let found = try Row.fetchOne(db, sql: """
            SELECT rowid, length(data) AS size FROM column_cache WHERE kind = ? AND generation = ? AND name = ?
            """, arguments: [kind.rawValue, generation, StoredRowsSnapshot.entry]) else { return nil }
        let size: Int = found["size"]
        guard size >= StoredRowsSnapshot.headerSize else { return nil }
        var handle: OpaquePointer?
        guard sqlite3_blob_open(db.sqliteConnection, "main", "column_cache", "data", found["rowid"], 0, &handle) == SQLITE_OK,
              let blob = handle else {
            sqlite3_blob_close(handle)
            return nil
        }
        defer { sqlite3_blob_close(blob) }
        var buffer = [UInt8](repeating: 0, count: StoredRowsSnapshot.headerSize)
        func read(_ count: Int, at offset: Int) -> Bool {
            if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
            guard offset + count <= size else { return false }
            return buffer.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, Int32(count), Int32(offset)) } == SQLITE_OK
        }
        guard read(StoredRowsSnapshot.headerSize, at: 0) else { return nil }
        let header = buffer.withUnsafeBytes { raw in
            (0..<4).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        let shape = try TableShape(table: table, db)
        let slotCount = Int(clamping: header[2]), longCount = Int(clamping: header[3])
        guard header[0] == StoredRowsSnapshot.magic, Int64(bitPattern: header[1]) == shape.low,
              shape.count > 0, slotCount == Int(shape.high - shape.low) + 1,
              StoredRowsSnapshot.headerSize + slotCount * StoredRowsSnapshot.slotSize <= size else { return nil }
        var rows = [Packed](repeating: Packed(), count: slotCount)
        var keys = [CompactKey](repeating: CompactKey(), count: slotCount)
        var present = 0
        var offset = StoredRowsSnapshot.headerSize
        var first = 0
        while first < slotCount {
            let n = min(StoredRowsSnapshot.pieceSlots, slotCount - first)
            guard read(n * StoredRowsSnapshot.slotSize, at: offset) else { return nil }
            buffer.withUnsafeBytes { raw in
                for i in 0..<n {
                    let (row, key) = StoredRowsSnapshot.slot(raw, at: i * StoredRowsSnapshot.slotSize)
                    rows[first + i] = row
                    keys[first + i] = key
                    if row.flags & Packed.present != 0 { present += 1 }
                }
            }
            offset += n * StoredRowsSnapshot.slotSize
            first += n
        }
        guard present == shape.count else { return nil }
        var longKeys: [Int32: String] = [:]
        for _ in 0..<longCount {
            guard read(8, at: offset) else { return nil }
            let (slot, length) = buffer.withUnsafeBytes { raw in
                (Int32(littleEndian: raw.loadUnaligned(as: Int32.self)), Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: Int32.self))))
            }
            guard slot >= 0, Int(slot) < slotCount, length > CompactKey.capacity, read(length, at: offset + 8) else { return nil }
            longKeys[slot] = String(decoding: buffer[0..<length], as: UTF8.self)
            offset += 8 + length
        }
        guard offset == size else { return nil }
        let loaded = StoredRowTable(rows: rows, keys: keys, longKeys: longKeys, firstRowid: shape.low, rowids: nil)
        return try loaded.matchesSample(of: table, keyColumn: keyColumn, db) ? loaded : nil
    }

    /// Whether 64 slots spread over the table (and its first and last) hold what their rows hold.
    private func matchesSample(of table: String, keyColumn: String, _ db: Database) throws -> Bool {
        let statement = try db.makeStatement(sql: """
            SELECT \(keyColumn), row_fingerprint, active, raw_fingerprint FROM \(table) WHERE rowid = ?
            """)
        let handle = statement.sqliteStatement
        let picks = Set((0...64).map { count > 1 ? $0 * (count - 1) / 64 : 0 })
        for slot in picks.sorted() {
            try statement.setArguments([rowid(at: slot)])
            defer { sqlite3_reset(handle) }
            let step = sqlite3_step(handle) & 0xFF
            let row = rows[slot]
            guard row.flags & Packed.present != 0 else {
                guard step == SQLITE_DONE else { return false }
                continue
            }
            guard step == SQLITE_ROW, let text = sqlite3_column_text(handle, 0) else { return false }
            let stored = String(decoding: UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 0))), as: UTF8.self)
            let hasFingerprint = sqlite3_column_type(handle, 1) != SQLITE_NULL
            let hasRaw = sqlite3_column_type(handle, 3) != SQLITE_NULL
            guard stored == key(at: slot),
                  hasFingerprint == (row.flags & Packed.hasFingerprint != 0),
                  !hasFingerprint || sqlite3_column_int64(handle, 1) == row.fingerprint,
                  (sqlite3_column_int64(handle, 2) != 0) == (row.flags & Packed.active != 0),
                  hasRaw == (row.flags & Packed.hasRaw != 0),
                  !hasRaw || sqlite3_column_int64(handle, 3) == row.rawFingerprint else { return false }
        }
        return true
    }

    /// Saves this table with a night's `edits` applied as the snapshot of `generation` (the
    /// night's import); nothing when the edits cannot be (a table whose rowids have many gaps,
    /// an insert off its end).
    func saveSnapshot(_ edits: StoredRowEdits, kind: DatasetKind, generation: Int64, _ db: Database) throws {
        guard rowids == nil, !edits.broken else { return }
        let changes = edits.changed.sorted { $0.key < $1.key }
        let appended = edits.appended
        let total = count + appended.count
        var longs: [UInt8] = []
        var longCount = 0
        for (slot, key) in longKeys.sorted(by: { $0.key < $1.key }) {
            var key = key
            key.withUTF8 { StoredRowsSnapshot.append(longKey: UnsafeRawBufferPointer($0), slot: slot, to: &longs) }
            longCount += 1
        }
        var appendedKeys: [CompactKey] = []
        appendedKeys.reserveCapacity(appended.count)
        for (i, row) in appended.enumerated() {
            if let compact = CompactKey(row.key) {
                appendedKeys.append(compact)
            } else {
                appendedKeys.append(CompactKey())
                var key = row.key
                key.withUTF8 { StoredRowsSnapshot.append(longKey: UnsafeRawBufferPointer($0), slot: Int32(count + i), to: &longs) }
                longCount += 1
            }
        }
        let size = StoredRowsSnapshot.headerSize + total * StoredRowsSnapshot.slotSize + longs.count
        let writer = try CacheEntryWriter(db)
        _ = try writer.write(kind: kind.rawValue, name: StoredRowsSnapshot.entry, generation: generation, size: size) { put in
            try StoredRowsSnapshot.header(firstRowid: firstRowid, slots: total, longKeys: longCount).withUnsafeBytes { try put($0) }
            var piece = [UInt8](repeating: 0, count: StoredRowsSnapshot.pieceSlots * StoredRowsSnapshot.slotSize)
            try piece.withUnsafeMutableBytes { buffer in
                var next = 0, first = 0
                while first < total {
                    let n = min(StoredRowsSnapshot.pieceSlots, total - first)
                    for i in 0..<n {
                        let slot = first + i
                        if slot < count {
                            var row = rows[slot]
                            if next < changes.count, Int(changes[next].key) == slot {
                                row = changes[next].value
                                next += 1
                            }
                            StoredRowsSnapshot.store(row, keys[slot], at: i, of: buffer)
                        } else {
                            StoredRowsSnapshot.store(appended[slot - count].row, appendedKeys[slot - count], at: i, of: buffer)
                        }
                    }
                    try put(UnsafeRawBufferPointer(rebasing: buffer[0..<(n * StoredRowsSnapshot.slotSize)]))
                    first += n
                }
            }
            try longs.withUnsafeBytes { try put($0) }
            return true
        }
    }
}

/// A table's first and last rowid and its row count: each asked alone, each is answered from the
/// B-tree's edges or page counts (7 ms at 1 M residents); asked together they scanned the table
/// (0.1 s).
struct TableShape {
    var low: Int64
    var high: Int64
    var count: Int

    init(table: String, _ db: Database) throws {
        low = try Int64.fetchOne(db, sql: "SELECT min(rowid) FROM \(table)") ?? 1
        high = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0
        count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
    }
}
