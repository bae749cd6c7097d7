public import Datasets
internal import GRDB

/// A first load's stored-rows snapshot (`StoredRowsSnapshot`), collected off the writing thread
/// as its rows are written (the importer hands each written batch to a thread of its own, as for
/// the engine columns): slot `i` is the `i`-th row written, which SQLite gives rowid `i + 1` in a
/// table that was empty. Its 41 bytes a row wait in a temporary file (`SpillFile`) in pieces of
/// about 1 MB, and are copied from there into the entry when the import saves it.
public final class StoredRowsCollector: @unchecked Sendable {
    private let spill: SpillFile
    private let keyIndex: Int
    /// Slots not yet spilled, in a buffer of `StoredRowsSnapshot.pieceSlots`.
    private var piece = [UInt8](repeating: 0, count: StoredRowsSnapshot.pieceSlots * StoredRowsSnapshot.slotSize)
    private var filled = 0
    private var extents: [SpillFile.Extent] = []
    private var longKeys: [UInt8] = []
    private var longKeyCount = 0
    private var count = 0

    /// Nil when no temporary file can be made in `spillDirectory` (no snapshot is then saved).
    init?(keyIndex: Int, spillDirectory: String) {
        guard let spill = SpillFile(directory: spillDirectory) else { return nil }
        self.spill = spill
        self.keyIndex = keyIndex
    }

    /// Rows as written, `width` values each in schema order, with their value and raw fingerprints.
    public func append(_ values: FlatValues, width: Int, fingerprints: [Int64], rawFingerprints: [Int64?]) {
        guard width > 0 else { return }
        // The buffer and counters as locals for the batch: a class's properties are checked for
        // exclusive access at each use.
        var piece: [UInt8] = []
        swap(&piece, &self.piece)
        var filled = self.filled, count = self.count
        let keyIndex = keyIndex
        piece.withUnsafeMutableBytes { buffer in
            for (row, start) in stride(from: 0, to: values.count / width * width, by: width).enumerated() {
                let raw = row < rawFingerprints.count ? rawFingerprints[row] : nil
                let flags = StoredRowTable.Packed.present | StoredRowTable.Packed.active | StoredRowTable.Packed.hasFingerprint
                    | (raw == nil ? 0 : StoredRowTable.Packed.hasRaw)
                let packed = StoredRowTable.Packed(
                    fingerprint: row < fingerprints.count ? fingerprints[row] : 0, rawFingerprint: raw ?? 0, flags: flags
                )
                let key = values.withStoredText(at: start + keyIndex) { bytes -> CompactKey in
                    guard let bytes else { return CompactKey() }
                    if let compact = CompactKey(bytes: UnsafeRawBufferPointer(bytes)) { return compact }
                    addLongKey(UnsafeRawBufferPointer(bytes), slot: count)
                    return CompactKey()
                }
                StoredRowsSnapshot.store(packed, key, at: filled, of: buffer)
                filled += 1
                count += 1
                if filled == StoredRowsSnapshot.pieceSlots {
                    spill(UnsafeRawBufferPointer(buffer))
                    filled = 0
                }
            }
        }
        swap(&piece, &self.piece)
        self.filled = filled
        self.count = count
    }

    private func addLongKey(_ key: UnsafeRawBufferPointer, slot: Int) {
        StoredRowsSnapshot.append(longKey: key, slot: Int32(truncatingIfNeeded: slot), to: &longKeys)
        longKeyCount += 1
    }

    private func spill(_ bytes: UnsafeRawBufferPointer) {
        if let extent = spill.write(bytes: bytes) { extents.append(extent) }
    }

    /// Saves the snapshot as the entry of `generation` (the first load's import), after the last
    /// row: only when the table holds exactly the rows collected, at consecutive rowids. (The
    /// night that reads it checks the table's row count too.)
    func save(kind: DatasetKind, table: String, generation: Int64, _ db: Database) throws {
        piece.withUnsafeBytes { spill(UnsafeRawBufferPointer(rebasing: $0[0..<(filled * StoredRowsSnapshot.slotSize)])) }
        filled = 0
        // Before the indexes are built again, `count(*)` would read the whole table: the rows
        // are the `count` this import inserted into an empty table, so distinct rowids from
        // first to last with no gap are all of them.
        let low = try Int64.fetchOne(db, sql: "SELECT min(rowid) FROM \(table)") ?? 1
        let high = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0
        guard !spill.failed, count > 0, Int(high - low) + 1 == count, count < Int(Int32.max),
              let header = spill.write(StoredRowsSnapshot.header(firstRowid: low, slots: count, longKeys: longKeyCount)),
              let longs = spill.write(longKeys) else { return }
        var entries = SpilledEntries(spill: spill)
        entries.append(kind: kind, generation: generation, name: StoredRowsSnapshot.entry, extents: [header] + extents + [longs])
        try db.inSavepoint { try entries.save(db) ? .commit : .rollback }
    }
}
