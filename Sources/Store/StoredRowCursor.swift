internal import Datasets

/// Finds the stored rows of one thread's records in file order (`StoredRowTable`): each stage of
/// a night's import (the reading thread, the one telling repeats, the writer) walks the file in
/// order and has a cursor of its own. An extract lists its rows in about the order the table
/// holds them (the previous night's file, with rows gone and new ones between), so a record's
/// row is most often the slot after the previous record's, or a few further on: the cursor reads
/// the slots a chunk at a time, in order, and looks there first; a key not there (a new one, one
/// out of order) is looked up in the key index (`StoredKeyIndex`, one read of its bucket), and
/// the cursor goes on from where that key's row is.
///
/// Not for sharing between threads: it keeps its place and its chunk.
public final class StoredRowCursor: @unchecked Sendable {
    private let table: StoredRowTable
    private let buffer: UnsafeMutableRawBufferPointer
    private var bufferStart = 0
    private var bufferCount = 0
    /// The slot expected next.
    private var next = 0
    /// Finds in a row that the index answered (the records are out of the table's order), and
    /// the slot the last of them found.
    private var indexed = 0
    private var lastIndexed = -2

    /// Slots past the expected one that are compared before the key index is asked (rows gone
    /// from the file since the table was written).
    static let lookahead = 8
    #if DEBUG
    static let chunkSlots = 16  // tests cross chunks with small tables
    #else
    /// Slots read at a time (6.4 KB of a residents' table).
    static let chunkSlots = 256
    #endif

    init(_ table: StoredRowTable) {
        self.table = table
        buffer = .allocate(byteCount: Self.chunkSlots * table.slots.slotSize, alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// The slot and stored row of the present row with exactly this key (UTF-8 bytes), if any.
    public func find(_ key: UnsafeRawBufferPointer) -> (slot: Int, row: StoredRowTable.Packed)? {
        let probe = StoredKeyProbe(key, form: table.slots.form)
        switch probe {
        case .absent:
            return nil
        case .long(let text):
            guard let slot = table.longSlot(text) else { return nil }
            return table.packed(at: slot).map { (slot, $0) }
        case .digits, .compact:
            break
        }
        var slot = next
        while slot < min(table.count, next + Self.lookahead) {
            // Out of order, the slots are compared only where the chunk already holds them: a
            // chunk read for each record of a shuffled file cost more than the index.
            if indexed > 1, !(slot >= bufferStart && slot < bufferStart + bufferCount) { break }
            guard load(slot) else { return nil }
            let offset = (slot - bufferStart) * table.slots.slotSize
            if StoredSlots.matches(UnsafeRawBufferPointer(buffer), at: offset, probe) {
                next = slot + 1
                indexed = 0
                return (slot, PackedRows.load(UnsafeRawBufferPointer(buffer), at: offset))
            }
            slot += 1
        }
        guard let (found, row) = table.indexed(probe) else { return nil }
        // Two index finds one slot apart: the records are in order again.
        indexed = found == lastIndexed + 1 ? 0 : indexed + 1
        lastIndexed = found
        next = found + 1
        return (found, row)
    }

    /// The same for a key as text.
    public func find(_ key: String) -> (slot: Int, row: StoredRowTable.Packed)? {
        var key = key
        return key.withUTF8 { find(UnsafeRawBufferPointer($0)) }
    }

    /// The slot and value fingerprint (`row_fingerprint`) of the active row with exactly this
    /// key, when it was stored from a record with raw fingerprint `raw`: validating the record
    /// again would give the stored values (`StoredRowTable`).
    public func unchanged(key: UnsafeRawBufferPointer, raw: Int64) -> (slot: Int, fingerprint: Int64)? {
        guard let (slot, row) = find(key) else { return nil }
        let needed = StoredRowTable.Packed.active | StoredRowTable.Packed.hasFingerprint | StoredRowTable.Packed.hasRaw
        guard row.flags & needed == needed, row.rawFingerprint == raw else { return nil }
        return (slot, row.fingerprint)
    }

    /// Makes the chunk hold `slot` (reading from it on); false if the file cannot be read (the
    /// table then fails the import, `StoredRowTable.checkReadable`).
    private func load(_ slot: Int) -> Bool {
        if slot >= bufferStart, slot < bufferStart + bufferCount { return true }
        let n = min(Self.chunkSlots, table.count - slot)
        guard table.slots.read(from: slot, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(n * table.slots.slotSize)])) else {
            bufferCount = 0
            table.noteUnreadable()
            return false
        }
        bufferStart = slot
        bufferCount = n
        return true
    }
}
