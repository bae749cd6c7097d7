internal import Datasets
internal import GRDB
internal import GRDBSQLite

/// The stored rows a night starts from (`StoredRowTable`: each row's key, fingerprints and
/// active flag), kept as column-cache entries (`ColumnCache`) of the import that left them, so
/// that the next full extract reads 25 bytes a row (41 with keys other than 身份证号) instead of
/// scanning the whole table (about 250 MB of pages at 1 M residents, 0.3–0.4 s on two threads
/// before any record could be read).
/// Written by each night from its table with its own inserts, updates, fingerprint records and
/// retirements applied (`StoredRowEdits`), in pieces of `pieceSlots` rows, each an entry written
/// as soon as it is full (`StoredRowsPieces`: nothing of it is held whole). A first load leaves
/// none (see `ImportWriter.finish`): the first night after it scans.
///
/// Trusted as the column cache is, by generation: only imports change profile rows, each adds an
/// `imports` row, and the snapshot is read only when it belongs to the latest import before this
/// one (a rejected import relabels it: its rows rolled back). Besides, the table's first and
/// last rowid and its row count must be the snapshot's, and a sample of slots spread over the
/// table must equal their rows (key, both fingerprints, active). Anything amiss and the night
/// scans the table as before: the snapshot only saves time, and a night that cannot write one
/// (a table with many rowid gaps) leaves none.
///
/// Entries, little-endian: `:stored-rows` holds magic, first rowid, slots and long keys (8 bytes
/// each), then each long key as slot (4), length (4) and its bytes; `:stored-rows/p` holds
/// slots `p × pieceSlots ..<` as flags (1 byte), row and raw fingerprint (8 each) and the key in
/// the form the magic names (`KeyForm`): a `DigitKey`'s 8 bytes when every key is a 身份证号
/// (`DigitKey.empty` in an empty slot; no long keys then), otherwise a compact key's 24 (zeros
/// for a long key or an empty slot). The header is written last: pieces without one are never
/// read.
enum StoredRowsSnapshot {
    static let entry = ":stored-rows"
    static let headerSize = 32

    /// How a snapshot keeps its keys. A residents' night kept each 身份证号 in a 24-byte compact
    /// key (version 2): it turned every slot's 8-byte key into one to write it, and back on the
    /// next night's read, and wrote 16 MB more at 1 M residents.
    enum KeyForm {
        /// 24 bytes (`CompactKey`): version 2, "MSROWS".
        case compact
        /// 8 bytes (`DigitKey`): version 3.
        case digits

        var magic: UInt64 { self == .compact ? 0x0253_5752_4F52_534D : 0x0353_5752_4F52_534D }
        var slotSize: Int { PackedRows.stride + (self == .compact ? MemoryLayout<CompactKey>.size : 8) }

        init?(magic: UInt64) {
            guard let form = [KeyForm.compact, .digits].first(where: { $0.magic == magic }) else { return nil }
            self = form
        }
    }
    /// Slots an entry holds (about 1 MB).
    #if DEBUG
    static let pieceSlots = 64  // tests cross pieces with small files
    #else
    static let pieceSlots = 25_600
    #endif

    static func pieceName(_ piece: Int) -> String { "\(entry)/\(piece)" }

    static func header(form: KeyForm, firstRowid: Int64, slots: Int, longKeys: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize)
        for word in [form.magic, UInt64(bitPattern: firstRowid), UInt64(slots), UInt64(longKeys)] {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Stores one slot of the compact form at `slot` of `buffer`.
    @inline(__always)
    static func store(_ row: StoredRowTable.Packed, _ key: CompactKey, at slot: Int, of buffer: UnsafeMutableRawBufferPointer) {
        let offset = slot * KeyForm.compact.slotSize
        PackedRows.store(row, buffer, at: offset)
        buffer.storeBytes(of: key, toByteOffset: offset + PackedRows.stride, as: CompactKey.self)
    }

    /// Stores one slot of the digit form at `slot` of `buffer`.
    @inline(__always)
    static func store(_ row: StoredRowTable.Packed, _ key: DigitKey, at slot: Int, of buffer: UnsafeMutableRawBufferPointer) {
        let offset = slot * KeyForm.digits.slotSize
        PackedRows.store(row, buffer, at: offset)
        buffer.storeBytes(of: key.bits.littleEndian, toByteOffset: offset + PackedRows.stride, as: UInt64.self)
    }

    static func append(longKey key: UnsafeRawBufferPointer, slot: Int32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: slot.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: Int32(key.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: key)
    }

    /// The compact key of the slot at `offset` of `bytes`.
    static func compactKey(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> CompactKey {
        var key = CompactKey()
        let start = offset + PackedRows.stride
        withUnsafeMutableBytes(of: &key) {
            $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + MemoryLayout<CompactKey>.size)]))
        }
        return key
    }

    /// The digit key's bits of the slot at `offset` of `bytes`.
    static func digitBits(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + PackedRows.stride, as: UInt64.self))
    }
}

/// Writes a snapshot's slots in slot order, each full piece as an entry at once, and its header
/// last (`StoredRowsSnapshot`).
final class StoredRowsPieces {
    private let kind: DatasetKind
    private let generation: Int64
    private let form: StoredRowsSnapshot.KeyForm
    private let writer: CacheEntryWriter
    private let buffer: UnsafeMutableRawBufferPointer
    private var filled = 0
    private var pieces = 0
    private var longKeys: [UInt8] = []
    private var longKeyCount = 0
    /// Slots added so far.
    private(set) var count = 0

    init(kind: DatasetKind, generation: Int64, form: StoredRowsSnapshot.KeyForm, _ db: Database) throws {
        self.kind = kind
        self.generation = generation
        self.form = form
        writer = try CacheEntryWriter(db)
        buffer = .allocate(byteCount: StoredRowsSnapshot.pieceSlots * form.slotSize, alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// The next slot of the compact form, its key compact (or empty: a long one given to
    /// `addLongKey`).
    @inline(__always)
    func add(_ row: StoredRowTable.Packed, _ key: CompactKey) throws {
        StoredRowsSnapshot.store(row, key, at: filled, of: buffer)
        try added()
    }

    /// The next slot of the digit form.
    @inline(__always)
    func add(_ row: StoredRowTable.Packed, _ key: DigitKey) throws {
        StoredRowsSnapshot.store(row, key, at: filled, of: buffer)
        try added()
    }

    @inline(__always)
    private func added() throws {
        filled += 1
        count += 1
        if filled == StoredRowsSnapshot.pieceSlots { try flush() }
    }

    /// The key of slot `slot` (one added, or about to be) is `key`, longer than a compact key.
    func addLongKey(_ key: String, slot: Int) {
        var key = key
        key.withUTF8 { StoredRowsSnapshot.append(longKey: UnsafeRawBufferPointer($0), slot: Int32(truncatingIfNeeded: slot), to: &longKeys) }
        longKeyCount += 1
    }

    private func flush() throws {
        guard filled > 0 else { return }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<(filled * form.slotSize)])
        try writer.write(kind: kind.rawValue, name: StoredRowsSnapshot.pieceName(pieces), generation: generation, bound: bytes)
        pieces += 1
        filled = 0
    }

    /// The last piece and the header: the snapshot of slots from `firstRowid` on is complete.
    func finish(firstRowid: Int64) throws {
        try flush()
        var header = StoredRowsSnapshot.header(form: form, firstRowid: firstRowid, slots: count, longKeys: longKeyCount)
        header.append(contentsOf: longKeys)
        try header.withUnsafeBytes {
            try writer.write(kind: kind.rawValue, name: StoredRowsSnapshot.entry, generation: generation, bound: $0)
        }
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

    /// The row in `slot` now holds values of `fingerprint`, from raw bytes `raw`, and is active
    /// (nothing of the row before is kept).
    mutating func set(_ slot: Int, fingerprint: Int64, raw: Int64?) {
        let flags = StoredRowTable.Packed.present | StoredRowTable.Packed.active | StoredRowTable.Packed.hasFingerprint
            | (raw == nil ? 0 : StoredRowTable.Packed.hasRaw)
        changed[Int32(slot)] = StoredRowTable.Packed(fingerprint: fingerprint, rawFingerprint: raw ?? 0, flags: flags)
    }

    /// The row in `slot`, `stored` when the import began, was confirmed from raw bytes `raw`
    /// (its values unchanged).
    mutating func setRaw(_ slot: Int, _ raw: Int64, on stored: StoredRowTable.Packed) {
        var row = changed[Int32(slot)] ?? stored
        row.rawFingerprint = raw
        row.flags |= StoredRowTable.Packed.hasRaw
        changed[Int32(slot)] = row
    }

    /// The row in `slot`, `stored` when the import began, is retired.
    mutating func retire(_ slot: Int, _ stored: StoredRowTable.Packed) {
        var row = changed[Int32(slot)] ?? stored
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
        if let generation = try ColumnCache.generation(of: kind, before: importID, db),
           let loaded = try? snapshot(of: table, keyColumn: keyColumn, kind: kind, generation: generation, db) {
            return loaded
        }
        return try StoredRowTable.scan(table: table, keyColumn: keyColumn, db: db)
    }

    /// The snapshot of `generation`, nil when there is none or it does not match the table.
    static func snapshot(of table: String, keyColumn: String, kind: DatasetKind, generation: Int64, _ db: Database) throws -> StoredRowTable? {
        let read = try db.makeStatement(sql: "SELECT data FROM column_cache WHERE kind = ? AND generation = ? AND name = ?")
        let handle = read.sqliteStatement
        /// `body` with the bytes of entry `name` (SQLite's own: valid until the statement moves on).
        func withEntry<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R?) throws -> R? {
            try read.setArguments([kind.rawValue, generation, name])
            defer { sqlite3_reset(handle) }
            guard sqlite3_step(handle) & 0xFF == SQLITE_ROW else { return nil }
            let size = Int(sqlite3_column_bytes(handle, 0))
            guard let base = sqlite3_column_blob(handle, 0) else { return nil }
            return try body(UnsafeRawBufferPointer(start: base, count: size))
        }
        typealias Header = (StoredRowsSnapshot.KeyForm, Int64, Int, [Int32: String])
        guard let (form, firstRowid, slotCount, longKeys) = try withEntry(StoredRowsSnapshot.entry, { bytes -> Header? in
            guard bytes.count >= StoredRowsSnapshot.headerSize else { return nil }
            let words = (0..<4).map { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
            guard let form = StoredRowsSnapshot.KeyForm(magic: words[0]), words[2] < UInt64(Int32.max),
                  form == .compact || words[3] == 0 else { return nil }
            let slots = Int(words[2])
            var longKeys: [Int32: String] = [:]
            var offset = StoredRowsSnapshot.headerSize
            for _ in 0..<words[3] {
                guard offset + 8 <= bytes.count else { return nil }
                let slot = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                let length = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: Int32.self)))
                guard slot >= 0, Int(slot) < slots, length > CompactKey.capacity, offset + 8 + length <= bytes.count else { return nil }
                longKeys[slot] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<(offset + 8 + length)]), as: UTF8.self)
                offset += 8 + length
            }
            guard offset == bytes.count else { return nil }
            return (form, Int64(bitPattern: words[1]), slots, longKeys)
        }) else { return nil }
        let shape = try TableShape(table: table, db)
        guard firstRowid == shape.low, shape.count > 0, slotCount == Int(shape.high - shape.low) + 1 else { return nil }
        // Each piece is the slots' own bytes: written to the table's file as it is read, once checked.
        let slots = StoredSlots(file: try spillFile(db, table: table), form: form, count: slotCount)
        var summary = SlotRegionWriter.Summary(longKeys: longKeys)
        var first = 0
        while first < slotCount {
            let n = min(StoredRowsSnapshot.pieceSlots, slotCount - first)
            let complete = try withEntry(StoredRowsSnapshot.pieceName(first / StoredRowsSnapshot.pieceSlots)) { bytes -> Bool? in
                guard bytes.count == n * form.slotSize else { return false }
                for i in 0..<n {
                    let offset = i * form.slotSize
                    guard bytes[offset] & Packed.present != 0 else { continue }
                    summary.present += 1
                    switch form {
                    case .digits:
                        guard DigitKey(stored: StoredRowsSnapshot.digitBits(bytes, at: offset)) != nil else { return false }
                    case .compact:
                        guard summary.allDigits, longKeys.isEmpty || longKeys[Int32(first + i)] == nil else { continue }
                        if StoredRowsSnapshot.compactKey(bytes, at: offset).withBytes({ DigitKey(bytes: $0) }) == nil { summary.allDigits = false }
                    }
                }
                return slots.file.write(bytes: bytes, at: slots.offset(of: first))
            }
            guard complete == true else { return nil }
            first += n
        }
        guard summary.present == shape.count else { return nil }
        let loaded = try StoredRowTable.make(slots, summary, firstRowid: shape.low, rowids: nil, table: table)
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
            guard let row = packed(at: slot) else { return false }
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
    /// an insert off its end). Its keys in 8 bytes each when every one is a 身份证号, unless
    /// `compactKeys` (the form earlier versions wrote, still read).
    func saveSnapshot(
        _ edits: StoredRowEdits, kind: DatasetKind, generation: Int64, _ db: Database, compactKeys: Bool = false
    ) throws {
        guard rowids == nil, !edits.broken else { return }
        let appendedDigits = edits.appended.map { DigitKey($0.key) }
        let digits = !compactKeys && keysAreDigits && longKeys.isEmpty && appendedDigits.allSatisfy { $0 != nil }
        let changes = edits.changed.sorted { $0.key < $1.key }
        // The snapshots of earlier generations are of no more use. The column cache's patch drops
        // them with the rest of the cache when it runs; a night that patches no cache (none
        // built yet, or too large a change) left them, 41 MB a night at 1 M residents.
        try db.execute(
            sql: "DELETE FROM column_cache WHERE kind = ? AND generation <> ? AND (name = ? OR name LIKE ?)",
            arguments: [kind.rawValue, generation, StoredRowsSnapshot.entry, StoredRowsSnapshot.entry + "/%"]
        )
        let pieces = try StoredRowsPieces(kind: kind, generation: generation, form: digits ? .digits : .compact, db)
        for (slot, key) in longKeys.sorted(by: { $0.key < $1.key }) { pieces.addLongKey(key, slot: Int(slot)) }
        var next = 0
        let read = try slots.forEach { slot, stored, bytes, offset in
            var row = stored
            if next < changes.count, Int(changes[next].key) == slot {
                row = changes[next].value
                next += 1
            }
            // (A present slot without a key would be read back as a damaged snapshot: never
            // written in this form, as `digits` says.)
            let probe = slots.probe(bytes, at: offset)
            switch (probe, digits) {
            case (.digits(let key), true): try pieces.add(row, key)
            case (.compact(let key), true): try pieces.add(row, DigitKey(key) ?? .empty)
            case (_, true): try pieces.add(row, DigitKey.empty)
            case (.digits(let key), false): try pieces.add(row, key.withBytes { CompactKey(bytes: $0) } ?? CompactKey())
            case (.compact(let key), false): try pieces.add(row, key)
            case (_, false): try pieces.add(row, CompactKey())
            }
        }
        guard read else { throw Self.fileFailure(table, directory: slots.file.directory, "读不出") }
        for (i, (row, key)) in edits.appended.enumerated() {
            if digits {
                try pieces.add(row, appendedDigits[i] ?? .empty)
                continue
            }
            let compact = CompactKey(key)
            if compact == nil { pieces.addLongKey(key, slot: count + i) }
            try pieces.add(row, compact ?? CompactKey())
        }
        try pieces.finish(firstRowid: firstRowid)
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
