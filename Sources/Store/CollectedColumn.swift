/// One collected field (or the relations), row by row in file order: the chunk being filled
/// in memory, the full ones in the spill file (`SpillFile.chunkRows` rows each), each written as
/// narrow as its values allow (`NarrowChunk`).
struct CollectedColumn: Sendable {
    private var values: [Int64] = []
    private var validity: [UInt64] = []
    private var chunks: [(values: NarrowChunk, validity: SpillFile.Extent)] = []

    mutating func append(_ value: Int64?, spill: SpillFile) {
        let row = values.count
        if row & 63 == 0 { validity.append(0) }
        if let value {
            values.append(value)
            validity[row >> 6] |= 1 << UInt64(row & 63)
        } else {
            values.append(0)
        }
        guard values.count == SpillFile.chunkRows else { return }
        // After a failed write the chunk is dropped: `chunk` then fails too (and the file is failed).
        if let written = NarrowChunk(values, spill), let words = spill.write(validity) {
            chunks.append((written, words))
        }
        values.removeAll(keepingCapacity: true)
        validity.removeAll(keepingCapacity: true)
    }

    /// The bytes `narrow` reads back.
    var narrowBytes: Int { chunks.reduce(values.count * 8) { $0 + $1.values.byteCount } }

    /// Every row's value and validity, read back as narrow as each chunk was written; nil if the
    /// spill file failed.
    func narrow(_ spill: SpillFile) -> NarrowColumn? {
        guard !spill.failed else { return nil }
        var column = NarrowColumn()
        column.bytes.reserveCapacity(chunks.reduce(values.count * 8) { $0 + $1.values.byteCount })
        column.validity.reserveCapacity((chunks.count * SpillFile.chunkRows + values.count + 63) >> 6)
        for chunk in chunks {
            column.chunks.append((chunk.values.base, chunk.values.width, column.bytes.count))
            guard chunk.values.readBytes(spill, appendingTo: &column.bytes), spill.read(chunk.validity, appendingTo: &column.validity) else {
                return nil
            }
        }
        column.chunks.append((0, 8, column.bytes.count))
        values.withUnsafeBytes { column.bytes.append(contentsOf: $0) }
        column.validity += validity
        return column
    }

    /// Chunk `index`'s values and validity (the chunk being filled after the full ones); nil if
    /// the spill file failed.
    func chunk(_ index: Int, _ spill: SpillFile) -> (values: [Int64], validity: [UInt64])? {
        guard index < chunks.count else { return index == chunks.count ? (values, validity) : nil }
        var chunkValues: [Int64] = [], chunkValidity: [UInt64] = []
        guard chunks[index].values.read(spill, appendingTo: &chunkValues),
              spill.read(chunks[index].validity, appendingTo: &chunkValidity) else { return nil }
        return (chunkValues, chunkValidity)
    }
}

/// A collected column read back (`CollectedColumn.narrow`) and held as its chunks were written,
/// each value in 1, 2, 4 or 8 bytes, read one at a time: a first load's columns are encoded in
/// key order from it. Read back as 8 bytes a row, a column was most of the encoding's memory
/// (at 4 M residents 32 MB, beside the key order's 16).
struct NarrowColumn {
    fileprivate var bytes: [UInt8] = []
    /// Each chunk's smallest value, width and first byte (chunk `c` holds rows from
    /// `c × SpillFile.chunkRows`).
    fileprivate var chunks: [(base: Int64, width: Int, start: Int)] = []
    fileprivate(set) var validity: [UInt64] = []

    /// Row `row`'s value (a valid row's; a row without one reads as whatever its chunk held).
    @inline(__always)
    func value(_ row: Int) -> Int64 {
        let (c, r) = row.quotientAndRemainder(dividingBy: SpillFile.chunkRows)
        let chunk = chunks[c]
        return bytes.withUnsafeBytes { raw in
            let at = chunk.start + r * chunk.width
            return switch chunk.width {
            case 1: chunk.base &+ Int64(raw[at])
            case 2: chunk.base &+ Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))
            case 4: chunk.base &+ Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            default: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)
            }
        }
    }
}

/// A chunk of a collected column in the spill file, each value written as its difference from
/// the chunk's smallest in 1, 2, 4 or 8 bytes, as few as the chunk's range needs. Most engine
/// fields are codes, flags, dates or small amounts: a first load of 1 M residents wrote 120 MB of
/// 64-bit cells, and the kernel's copying of them into the page cache was up to 0.45 s of the
/// collecting thread's CPU (perf), while both cores were busy.
struct NarrowChunk: Sendable {
    private var extent: SpillFile.Extent
    private(set) var base: Int64
    private(set) var width: Int

    var byteCount: Int { extent.count }

    /// `values` written to `spill`; nil once the file has failed.
    init?(_ values: [Int64], _ spill: SpillFile) {
        var low = Int64.max, high = Int64.min
        for value in values {
            low = min(low, value)
            high = max(high, value)
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        let range = overflow || values.isEmpty ? UInt64.max : UInt64(span)
        let written: SpillFile.Extent?
        switch range {
        case ...0xFF:
            (base, width) = (low, 1)
            written = spill.write(values.map { UInt8(truncatingIfNeeded: $0 &- low) })
        case ...0xFFFF:
            (base, width) = (low, 2)
            written = spill.write(values.map { UInt16(truncatingIfNeeded: $0 &- low) })
        case ...0xFFFF_FFFF:
            (base, width) = (low, 4)
            written = spill.write(values.map { UInt32(truncatingIfNeeded: $0 &- low) })
        default:
            (base, width) = (0, 8)
            written = spill.write(values)
        }
        guard let written else { return nil }
        extent = written
    }

    /// Appends the chunk's values, read back, to `values`; false if the spill file failed.
    func read(_ spill: SpillFile, appendingTo values: inout [Int64]) -> Bool {
        switch width {
        case 1: return read(UInt8.self, spill, &values)
        case 2: return read(UInt16.self, spill, &values)
        case 4: return read(UInt32.self, spill, &values)
        default: return spill.read(extent, appendingTo: &values)
        }
    }

    /// Appends the chunk's bytes as written (`width` bytes a value, native order) to `bytes`.
    func readBytes(_ spill: SpillFile, appendingTo bytes: inout [UInt8]) -> Bool {
        spill.read(extent, appendingTo: &bytes)
    }

    private func read<Narrow: FixedWidthInteger>(_: Narrow.Type, _ spill: SpillFile, _ values: inout [Int64]) -> Bool {
        var narrow: [Narrow] = []
        guard spill.read(extent, appendingTo: &narrow) else { return false }
        let base = base
        values.append(contentsOf: narrow.lazy.map { base &+ Int64(truncatingIfNeeded: $0) })
        return true
    }
}
