internal import Datasets

/// The slots of a `StoredRowTable` in its spill file, one after another from `base`, each as a
/// slot of the stored-rows snapshot is (`StoredRowsSnapshot.KeyForm`): flags, row and raw
/// fingerprint (`PackedRows`), then the key in 8 bytes (`DigitKey`, `DigitKey.empty` in an empty
/// slot or a long key's) or 24 (`CompactKey`, the empty key there). Written once as the import
/// starts (`SlotRegionWriter`), then only read, by any thread (`pread`, no shared position).
struct StoredSlots: Sendable {
    let file: SpillFile
    let form: StoredRowsSnapshot.KeyForm
    let base: Int64
    let count: Int

    /// Reserves `count` slots of `form` at the end of `file`.
    init(file: SpillFile, form: StoredRowsSnapshot.KeyForm, count: Int) {
        self.file = file
        self.form = form
        self.count = count
        base = file.reserve(count * form.slotSize).offset
    }

    var slotSize: Int { form.slotSize }

    func offset(of slot: Int) -> Int64 { base + Int64(slot) * Int64(form.slotSize) }

    /// Slots `first ..< first + buffer.count / slotSize` into `buffer`; false if they cannot be read.
    func read(from first: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        precondition(first >= 0 && first * slotSize + buffer.count <= count * slotSize, "slots out of range")
        return file.read(at: offset(of: first), into: buffer)
    }

    /// Whether the slot at `offset` of `bytes` holds a row with the key `probe`.
    @inline(__always)
    static func matches(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ probe: StoredKeyProbe) -> Bool {
        guard bytes[offset] & StoredRowTable.Packed.present != 0 else { return false }
        switch probe {
        case .digits(let key): return StoredRowsSnapshot.digitBits(bytes, at: offset) == key.bits
        case .compact(let key): return StoredRowsSnapshot.compactKey(bytes, at: offset) == key
        case .long, .absent: return false
        }
    }

    /// The key of the slot at `offset` of `bytes` as its probe (`.absent` for an empty slot or a
    /// long key's, whose key is kept apart).
    @inline(__always)
    func probe(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> StoredKeyProbe {
        guard bytes[offset] & StoredRowTable.Packed.present != 0 else { return .absent }
        switch form {
        case .digits:
            return DigitKey(stored: StoredRowsSnapshot.digitBits(bytes, at: offset)).map { .digits($0) } ?? .absent
        case .compact:
            let key = StoredRowsSnapshot.compactKey(bytes, at: offset)
            return key == CompactKey() ? .absent : .compact(key)
        }
    }

    /// Every slot in order, read `chunk` at a time into one buffer: `body` gets the slot, its row
    /// and the chunk's bytes with the slot's offset in them. False if the file could not be read.
    func forEach(chunk: Int = 4096, _ body: (Int, StoredRowTable.Packed, UnsafeRawBufferPointer, Int) throws -> Void) rethrows -> Bool {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, chunk) * slotSize, alignment: 8)
        defer { buffer.deallocate() }
        var first = 0
        while first < count {
            let n = min(chunk, count - first)
            let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(n * slotSize)])
            guard read(from: first, into: bytes) else { return false }
            let view = UnsafeRawBufferPointer(bytes)
            for i in 0..<n {
                let offset = i * slotSize
                try body(first + i, PackedRows.load(view, at: offset), view, offset)
            }
            first += n
        }
        return true
    }
}

/// A key as the stored rows' file keeps it, compared with a slot's without decoding the slot.
enum StoredKeyProbe {
    case digits(DigitKey)
    case compact(CompactKey)
    /// Longer than a compact key holds: kept apart by the table.
    case long(String)
    /// A key no slot of the table's form holds (not a 身份证号 where every key is one, or empty).
    case absent

    init(_ key: UnsafeRawBufferPointer, form: StoredRowsSnapshot.KeyForm) {
        guard !key.isEmpty else {
            self = .absent
            return
        }
        guard key.count <= CompactKey.capacity else {
            self = .long(String(decoding: key, as: UTF8.self))
            return
        }
        // (Asked once a record on the reading thread: the key is read in the one form that can match.)
        switch form {
        case .digits: self = DigitKey(bytes: key).map { .digits($0) } ?? .absent
        case .compact: self = CompactKey(bytes: key).map { .compact($0) } ?? .absent
        }
    }

    /// The probe's hash, by which the key index groups keys (nil: the index holds no such key).
    var mixed: UInt64? {
        switch self {
        case .digits(let key): key.mixed
        case .compact(let key): key.mixed
        case .long, .absent: nil
        }
    }
}

/// Writes a range of a table's slots as a scan reads them (in slot order, with gaps), a chunk at
/// a time: each chunk is written when the scan leaves it, empty slots as empty, so that only one
/// chunk is ever in memory. Two at once write the two halves of a table.
final class SlotRegionWriter {
    /// What the slots written hold besides their bytes.
    struct Summary: Sendable {
        var longKeys: [Int32: String] = [:]
        var present = 0
        /// Every present key up to a compact key's length is a 身份证号.
        var allDigits = true
    }

    /// A key not a 身份证号 where the slots keep 8 bytes a key: the table is written again in 24.
    struct NotDigitKeys: Error {}

    #if DEBUG
    static let chunkSlots = 64  // tests cross chunks with small tables
    #else
    static let chunkSlots = 4096
    #endif

    private let slots: StoredSlots
    private let end: Int
    private var chunkStart: Int
    private let buffer: UnsafeMutableRawBufferPointer
    private(set) var summary = Summary()

    init(_ slots: StoredSlots, range: Range<Int>) {
        self.slots = slots
        end = range.upperBound
        chunkStart = range.lowerBound
        buffer = .allocate(byteCount: Self.chunkSlots * slots.slotSize, alignment: 8)
        clear()
    }

    deinit { buffer.deallocate() }

    /// The row of `slot` (after every slot set before) with its key's bytes.
    func set(_ slot: Int, _ row: StoredRowTable.Packed, key: UnsafeRawBufferPointer, table: String) throws {
        guard slot >= chunkStart, slot < end else { throw StoreError("读取\(table)失败：行号在读取时变了") }
        while slot >= chunkStart + Self.chunkSlots { try flush(table) }
        let local = slot - chunkStart
        summary.present += 1
        let compact = CompactKey(bytes: key)
        if compact == nil { summary.longKeys[Int32(slot)] = String(decoding: key, as: UTF8.self) }
        switch slots.form {
        case .digits:
            if compact == nil {
                StoredRowsSnapshot.store(row, DigitKey.empty, at: local, of: buffer)
            } else {
                guard let digit = DigitKey(bytes: key) else { throw NotDigitKeys() }
                StoredRowsSnapshot.store(row, digit, at: local, of: buffer)
            }
        case .compact:
            if compact != nil, summary.allDigits, DigitKey(bytes: key) == nil { summary.allDigits = false }
            StoredRowsSnapshot.store(row, compact ?? CompactKey(), at: local, of: buffer)
        }
    }

    /// Writes the chunk and moves to the next.
    private func flush(_ table: String) throws {
        let n = min(Self.chunkSlots, end - chunkStart)
        if n > 0 {
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<(n * slots.slotSize)])
            guard slots.file.write(bytes: bytes, at: slots.offset(of: chunkStart)) else {
                throw StoredRowTable.fileFailure(table, directory: slots.file.directory, "写不进")
            }
        }
        chunkStart += Self.chunkSlots
        clear()
    }

    /// Every slot of the chunk empty.
    private func clear() {
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        guard slots.form == .digits else { return }
        for i in 0..<Self.chunkSlots { StoredRowsSnapshot.store(StoredRowTable.Packed(), DigitKey.empty, at: i, of: buffer) }
    }

    /// Writes the rest of the range (empty slots after the last row too); the writer is done.
    func finish(_ table: String) throws -> Summary {
        while chunkStart < end { try flush(table) }
        return summary
    }
}
