internal import Datasets

/// The stored rows' keys → their slots, kept in the table's spill file beside the slots
/// (`StoredSlots`): entries (a slot's bytes as the slots keep them, its row and key, then its
/// number in 4 bytes) grouped by
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
    private let slots: StoredSlots
    private let bucketBits: Int
    /// Bucket b's entries are entries `starts[b] ..< starts[b + 1]` from `base`.
    private let starts: [UInt32]
    private let base: Int64

    /// An entry: the slot's bytes (its row and key, compared as the slots are, `StoredSlots.matches`),
    /// then its number, so that a key out of the file's order costs one read: a shuffled night of
    /// 1 M residents took 2.4–2.8 s, 2.9–3.0 with a second read for the row (the hash table in
    /// memory: 2.1), and one in order the same either way (4 M residents: 5.8–6.2 s, as in memory).
    static func entrySize(_ slots: StoredSlots) -> Int { slots.slotSize + 4 }

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
        self.slots = slots
        var bits = 4
        while (1 << bits) * 16 < keys { bits += 1 }
        bucketBits = bits
        let buckets = 1 << bits
        let wanted = max(1, min(buckets, (keys * Self.entrySize(slots) + Self.bandBytes - 1) / Self.bandBytes))
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
            guard let extent = Self.sort(extents, of: staging, buckets: range, bits: bits, slots: slots, starts: &starts, after: written) else {
                return nil
            }
            if base == nil { base = extent.offset }
            written += extent.count / Self.entrySize(slots)
        }
        starts[buckets] = UInt32(written)
        self.starts = starts
        self.base = base ?? 0
    }

    /// Each present key's entry into its band's block (`perBand` buckets a band), full blocks
    /// appended to `staging`: each band's blocks, in order; nil if a file failed.
    private static func stage(_ slots: StoredSlots, into staging: SpillFile, bands: Int, perBand: Int, bits: Int) -> [[SpillFile.Extent]]? {
        let entrySize = entrySize(slots)
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
        let read = slots.forEach { slot, _, bytes, offset in
            guard ok, let mixed = slots.probe(bytes, at: offset).mixed else { return }
            let band = bucket(mixed, bits: bits) / perBand
            let at = (band * blockEntries + filled[band]) * entrySize
            UnsafeMutableRawBufferPointer(rebasing: buffer[at..<(at + slots.slotSize)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + slots.slotSize)]))
            buffer.storeBytes(of: UInt32(slot).littleEndian, toByteOffset: at + slots.slotSize, as: UInt32.self)
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
    /// appended to the slots' file, each of its `buckets`' first entry noted in `starts` (entries
    /// before the band: `after`); the extent written, nil if a file failed.
    private static func sort(
        _ extents: [SpillFile.Extent], of staging: SpillFile, buckets: Range<Int>, bits: Int, slots: StoredSlots,
        starts: inout [UInt32], after: Int
    ) -> SpillFile.Extent? {
        let entrySize = entrySize(slots)
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
        // (Every entry is of a present key: `stage` wrote no other.)
        let local = { (i: Int) in bucket(slots.probe(view, at: i * entrySize).mixed ?? 0, bits: bits) - buckets.lowerBound }
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
        return slots.file.write(bytes: UnsafeRawBufferPointer(rebasing: output[0..<total]))
    }

    /// The slot and row of the present key `probe`, if any. Throws if the file cannot be read.
    func slot(of probe: StoredKeyProbe) throws -> (slot: Int, row: StoredRowTable.Packed)? {
        guard let mixed = probe.mixed else { return nil }
        let b = Self.bucket(mixed, bits: bucketBits)
        let first = Int(starts[b]), n = Int(starts[b + 1]) - first
        guard n > 0 else { return nil }
        let entrySize = Self.entrySize(slots)
        return try withUnsafeTemporaryAllocation(byteCount: n * entrySize, alignment: 8) { buffer in
            guard slots.file.read(at: base + Int64(first * entrySize), into: buffer) else { throw StoredRowTable.UnreadableFile() }
            let bytes = UnsafeRawBufferPointer(buffer)
            for offset in stride(from: 0, to: n * entrySize, by: entrySize) where StoredSlots.matches(bytes, at: offset, probe) {
                let slot = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + slots.slotSize, as: UInt32.self)))
                return (slot, PackedRows.load(bytes, at: offset))
            }
            return nil
        }
    }
}
