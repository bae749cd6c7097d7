internal import Datasets

/// The stored rows' keys → their slots, kept in the table's spill file beside the slots
/// (`StoredSlots`): entries (the key as the slots keep it, the slot in 4 bytes, its row) grouped by
/// bucket, a hash of the key; in memory only where each bucket starts, 4 bytes for 16 keys. A key
/// is found by reading its bucket (one `pread` of about 16 entries) and comparing.
///
/// It replaced a hash table in memory over each slot's key beside each slot's row (about 33 bytes
/// a stored row: the night's reading phase grew with the table, 200 MiB at 4 M residents). Most of
/// a night's records never ask it: the cursors find them where the file's order puts them
/// (`StoredRowCursor`); it answers the rest, new keys and keys out of order.
///
/// Built once, as the import starts, from the slots: each entry goes to one of a few bands (ranges
/// of buckets), appended to a staging file a block at a time; then each band, read back whole, is
/// put in bucket order (a counting sort) and written after the slots. In memory meanwhile: a
/// block (64 KB) a band and one band twice (4 MB each), whatever the table's size.
struct StoredKeyIndex: Sendable {
    private let file: SpillFile
    private let form: StoredRowsSnapshot.KeyForm
    private let bucketBits: Int
    /// Bucket b's entries are entries `starts[b] ..< starts[b + 1]` from `base`.
    private let starts: [UInt32]
    private let base: Int64

    var entrySize: Int { Self.entrySize(form) }

    /// An entry: the key, its slot (4 bytes), the slot's row (`PackedRows`), so that a key out of
    /// the file's order costs one read: a shuffled night of 1 M residents took 2.4–2.8 s, 2.9–3.0
    /// with a second read for the row (the hash table in memory: 2.1), and one in order the same
    /// either way (4 M residents: 5.8–6.2 s, as in memory).
    static func entrySize(_ form: StoredRowsSnapshot.KeyForm) -> Int { keySize(form) + 4 + PackedRows.stride }

    static func keySize(_ form: StoredRowsSnapshot.KeyForm) -> Int { form == .digits ? 8 : MemoryLayout<CompactKey>.size }

    #if DEBUG
    // Tests cross bands and blocks with small tables.
    static let bandBytes = 2 << 10
    static let blockBytes = 256
    #else
    /// Bytes of entries a band holds (about: a band is a range of buckets).
    static let bandBytes = 4 << 20
    /// Bytes a band's block holds before it is appended to the file.
    static let blockBytes = 64 << 10
    #endif

    private static func bucket(_ mixed: UInt64, bits: Int) -> Int { Int(truncatingIfNeeded: mixed >> UInt64(64 - bits)) }

    /// The index of `slots`' present keys (long keys are kept apart by the table); nil if the
    /// file could not be written or read.
    init?(of slots: StoredSlots, keys: Int) {
        file = slots.file
        form = slots.form
        var bits = 4
        while (1 << bits) * 16 < keys { bits += 1 }
        bucketBits = bits
        let buckets = 1 << bits
        let wanted = max(1, min(buckets, (keys * Self.entrySize(form) + Self.bandBytes - 1) / Self.bandBytes))
        let perBand = (buckets + wanted - 1) / wanted
        // The blocks in a file of their own, let go (its disk space and pages with it) once the
        // bands are sorted into the table's file.
        let staging = SpillFile(directory: slots.file.directory) ?? slots.file
        guard let blocks = Self.stage(slots, into: staging, bands: (buckets + perBand - 1) / perBand, perBand: perBand, bits: bits) else {
            return nil
        }
        var starts = [UInt32](repeating: 0, count: buckets + 1)
        var written = 0
        var base: Int64?
        for (band, extents) in blocks.enumerated() {
            let range = (band * perBand)..<min(buckets, (band + 1) * perBand)
            guard let extent = Self.sort(extents, of: staging, buckets: range, bits: bits, form: slots.form, into: slots.file, starts: &starts, after: written) else {
                return nil
            }
            if base == nil { base = extent.offset }
            written += extent.count / Self.entrySize(slots.form)
        }
        starts[buckets] = UInt32(written)
        self.starts = starts
        self.base = base ?? 0
    }

    /// Each present key's entry into its band's block (`perBand` buckets a band), full blocks
    /// appended to `staging`: each band's blocks, in order; nil if a file failed.
    private static func stage(_ slots: StoredSlots, into staging: SpillFile, bands: Int, perBand: Int, bits: Int) -> [[SpillFile.Extent]]? {
        let entrySize = entrySize(slots.form)
        let blockEntries = max(1, blockBytes / entrySize)
        var blocks = [[SpillFile.Extent]](repeating: [], count: bands)
        var filled = [Int](repeating: 0, count: bands)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bands * blockEntries * entrySize, alignment: 8)
        defer { buffer.deallocate() }
        func append(_ band: Int) -> Bool {
            let start = band * blockEntries * entrySize
            guard let extent = staging.write(bytes: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + filled[band] * entrySize)])) else {
                return false
            }
            blocks[band].append(extent)
            filled[band] = 0
            return true
        }
        var ok = true
        let read = slots.forEach { slot, row, bytes, offset in
            let probe = slots.probe(bytes, at: offset)
            guard ok, let mixed = probe.mixed else { return }
            let band = bucket(mixed, bits: bits) / perBand
            store(probe, slot: slot, row: row, at: (band * blockEntries + filled[band]) * entrySize, of: buffer)
            filled[band] += 1
            if filled[band] == blockEntries { ok = append(band) }
        }
        guard read, ok else { return nil }
        for band in 0..<bands where filled[band] > 0 {
            guard append(band) else { return nil }
        }
        return blocks
    }

    /// One band's entries (`extents` of `staging`) put in bucket order (a counting sort) and
    /// appended to `file`, each of its `buckets`' first entry noted in `starts` (entries before
    /// the band: `after`); the extent written, nil if a file failed.
    private static func sort(
        _ extents: [SpillFile.Extent], of staging: SpillFile, buckets: Range<Int>, bits: Int, form: StoredRowsSnapshot.KeyForm,
        into file: SpillFile, starts: inout [UInt32], after: Int
    ) -> SpillFile.Extent? {
        let entrySize = entrySize(form)
        let total = extents.reduce(0) { $0 + $1.count }
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, total), alignment: 8)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, total), alignment: 8)
        defer {
            input.deallocate()
            output.deallocate()
        }
        var at = 0
        for extent in extents {
            guard staging.read(extent, into: UnsafeMutableRawBufferPointer(rebasing: input[at..<(at + extent.count)])) else { return nil }
            at += extent.count
        }
        let view = UnsafeRawBufferPointer(input)
        let local = { (i: Int) in bucket(mixed(view, at: i * entrySize, form: form), bits: bits) - buckets.lowerBound }
        var next = [Int](repeating: 0, count: buckets.count + 1)
        for i in 0..<(total / entrySize) { next[local(i) + 1] += 1 }
        for b in 0..<buckets.count {
            next[b + 1] += next[b]
            starts[buckets.lowerBound + b] = UInt32(after + next[b])
        }
        for i in 0..<(total / entrySize) {
            let b = local(i)
            let to = next[b] * entrySize, from = i * entrySize
            UnsafeMutableRawBufferPointer(rebasing: output[to..<(to + entrySize)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: view[from..<(from + entrySize)]))
            next[b] += 1
        }
        return file.write(bytes: UnsafeRawBufferPointer(rebasing: output[0..<total]))
    }

    /// The slot and row of the present key `probe`, if any. Throws if the file cannot be read.
    func slot(of probe: StoredKeyProbe) throws -> (slot: Int, row: StoredRowTable.Packed)? {
        guard let mixed = probe.mixed else { return nil }
        let b = Self.bucket(mixed, bits: bucketBits)
        let first = Int(starts[b]), n = Int(starts[b + 1]) - first
        guard n > 0 else { return nil }
        let entrySize = entrySize, keySize = Self.keySize(form)
        return try withUnsafeTemporaryAllocation(byteCount: n * entrySize, alignment: 8) { buffer in
            guard file.read(at: base + Int64(first * entrySize), into: buffer) else { throw StoredRowTable.UnreadableFile() }
            let bytes = UnsafeRawBufferPointer(buffer)
            for i in 0..<n {
                let offset = i * entrySize
                let equal: Bool
                switch probe {
                case .digits(let key):
                    equal = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) == key.bits
                case .compact(let key):
                    equal = bytes.loadUnaligned(fromByteOffset: offset, as: CompactKey.self) == key
                case .long, .absent:
                    equal = false
                }
                if equal {
                    let slot = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + keySize, as: UInt32.self)))
                    return (slot, PackedRows.load(bytes, at: offset + keySize + 4))
                }
            }
            return nil
        }
    }

    /// An entry: the probe's key, the slot, its row.
    private static func store(
        _ probe: StoredKeyProbe, slot: Int, row: StoredRowTable.Packed, at offset: Int, of buffer: UnsafeMutableRawBufferPointer
    ) {
        let keySize: Int
        switch probe {
        case .digits(let key):
            buffer.storeBytes(of: key.bits.littleEndian, toByteOffset: offset, as: UInt64.self)
            keySize = 8
        case .compact(let key):
            buffer.storeBytes(of: key, toByteOffset: offset, as: CompactKey.self)
            keySize = MemoryLayout<CompactKey>.size
        case .long, .absent:
            return
        }
        buffer.storeBytes(of: UInt32(slot).littleEndian, toByteOffset: offset + keySize, as: UInt32.self)
        PackedRows.store(row, buffer, at: offset + keySize + 4)
    }

    /// The hash of the entry at `offset` of `bytes`.
    private static func mixed(_ bytes: UnsafeRawBufferPointer, at offset: Int, form: StoredRowsSnapshot.KeyForm) -> UInt64 {
        switch form {
        case .digits:
            DigitKey(stored: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))?.mixed ?? 0
        case .compact:
            bytes.loadUnaligned(fromByteOffset: offset, as: CompactKey.self).mixed
        }
    }
}
