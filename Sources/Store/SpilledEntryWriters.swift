/// Cache entries written to the spill file a piece at a time as their rows come, so that no
/// entry is held whole (`FirstLoadColumns`, `SortedHouseholds`, `KeyRuns`): each writer's
/// `finish` gives the entry's extents in layout order, for `SpilledEntries`.

/// An integer entry (`ColumnCacheCodec`'s layout, byte for byte): its head and validity words,
/// the values a block at a time, then the dictionary of a text column. The values' range must be
/// known before the values; the validity may come with the last of them (`finish`), its extent
/// still listed first.
struct IntegerEntryWriter {
    private let spill: SpillFile
    private let count: Int
    private let kind: UInt8
    private let width: Int
    private let base: Int64
    private let hasDictionary: Bool
    private var head: SpillFile.Extent?
    private var extents: [SpillFile.Extent] = []
    private var written = 0
    private var failed = false

    /// What the entry says of each row's validity: every row present (indexes, codes: written as
    /// `encode(present:)` writes it), these bits, or bits handed to `finish`.
    enum Validity {
        case present
        case bits([UInt64])
        case atFinish
    }

    /// `count` rows of `kind` whose valid values lie in `base...top` (`base > top`: none is).
    init(spill: SpillFile, count: Int, kind: UInt8, validity: Validity, base: Int64, top: Int64, hasDictionary: Bool) {
        let (base, top) = base > top ? (0, 0) : (base, top)
        let range = UInt64(bitPattern: top &- base)
        width = range == 0 ? 0 : range <= 0xFF ? 1 : range <= 0xFFFF ? 2 : range <= 0xFFFF_FFFF ? 4 : 8
        self.spill = spill
        self.count = count
        self.kind = kind
        self.base = base
        self.hasDictionary = hasDictionary
        switch validity {
        case .present: writeHead(nil)
        case .bits(let bits): writeHead(bits)
        case .atFinish: break
        }
    }

    /// The head and validity words (nil: every row present).
    private mutating func writeHead(_ validity: [UInt64]?) {
        var bytes = ByteSink()
        bytes.bytes.reserveCapacity(20 + ((count + 63) >> 6) * 8)
        bytes.byte(ColumnCacheCodec.format)
        bytes.byte(kind)
        bytes.byte(UInt8(width))
        bytes.byte(hasDictionary ? 1 : 0)
        bytes.u64(UInt64(count))
        bytes.u64(UInt64(bitPattern: base))
        for w in 0..<((count + 63) >> 6) { bytes.u64(validity?[w] ?? ~0) }
        head = spill.write(bytes.bytes)
        if head == nil { failed = true }
    }

    /// The next `rows` rows' values (`value(i)` for the `i`th; nil for a row without one, stored
    /// as the codec stores it: zero). `value` is asked for every row, in order, even when the
    /// entry stores no value bytes (every value equal): callers note each row as it is asked.
    mutating func append(_ rows: Int, _ value: (Int) -> Int64?) {
        written += rows
        guard width > 0 else {
            for i in 0..<rows { _ = value(i) }
            return
        }
        guard rows > 0 else { return }
        let base = base, width = width
        var bytes = [UInt8](repeating: 0, count: rows * width)
        bytes.withUnsafeMutableBytes { raw in
            func store<T: FixedWidthInteger>(_: T.Type) {
                for i in 0..<rows {
                    guard let value = value(i) else { continue }
                    let offset = T(truncatingIfNeeded: UInt64(bitPattern: value &- base))
                    raw.storeBytes(of: offset.littleEndian, toByteOffset: i * width, as: T.self)
                }
            }
            switch width {
            case 1: store(UInt8.self)
            case 2: store(UInt16.self)
            case 4: store(UInt32.self)
            default: store(UInt64.self)
            }
        }
        keep(spill.write(bytes))
    }

    private mutating func keep(_ extent: SpillFile.Extent?) {
        guard let extent else {
            failed = true
            return
        }
        if extent.count > 0 { extents.append(extent) }
    }

    /// The entry's extents (a text column's `dictionary` after the values; `validity` for an
    /// entry whose validity comes at the end); nil if a write failed or not every row was given.
    mutating func finish(validity: [UInt64]? = nil, dictionary: [String]? = nil) -> [SpillFile.Extent]? {
        if head == nil, !failed {
            guard let validity else { return nil }
            writeHead(validity)
        }
        if let dictionary {
            var list = ByteSink()
            list.textList(dictionary.map { Optional($0) })
            keep(spill.write(list.bytes))
        }
        guard !failed, written == count, let head else { return nil }
        return [head] + extents
    }
}

/// A text list written to the spill file a piece at a time, in `TextListBuilder`'s layout:
/// fixed width (one header, then the bytes), or offsets, null words and bytes, each part's
/// pieces written as they fill (the offsets and bytes interleave in the file; the entry lists
/// its extents in layout order).
struct TextEntryWriter {
    let spill: SpillFile
    let fixed: Int?
    let count: Int
    private var header: [SpillFile.Extent] = []
    private var offsetExtents: [SpillFile.Extent] = []
    private var textExtents: [SpillFile.Extent] = []
    private var offsets: [UInt64] = []
    private var nulls: [UInt64] = []
    private var text: [UInt8] = []
    private var written = 0
    private var total: UInt64 = 0
    private var failed = false

    static let piece = 1 << 20

    init(spill: SpillFile, fixed: Int?, count: Int, textBytes: Int) {
        self.spill = spill
        self.fixed = fixed
        self.count = count
        var sink = ByteSink()
        sink.byte(ColumnCacheCodec.format)
        sink.textListHeader(count: count, fixed: fixed)
        if fixed == nil {
            offsets.append(0)
            nulls = Array(repeating: 0, count: (count + 63) >> 6)
        }
        text.reserveCapacity(min(Self.piece, textBytes))
        keep(spill.write(sink.bytes), in: \.header)
    }

    mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes, isNull: Bool) {
        text.append(contentsOf: bytes)
        if fixed == nil {
            if isNull { nulls[written >> 6] |= 1 << UInt64(written & 63) }
            total += UInt64(bytes.count)
            offsets.append(total)
            if offsets.count >= Self.piece / 8 { flushOffsets() }
        }
        written += 1
        if text.count >= Self.piece { flushText() }
    }

    private mutating func flushText() {
        keep(spill.write(text), in: \.textExtents)
        text.removeAll(keepingCapacity: true)
    }

    private mutating func flushOffsets() {
        keep(spill.write(offsets), in: \.offsetExtents)
        offsets.removeAll(keepingCapacity: true)
    }

    private mutating func keep(_ extent: SpillFile.Extent?, in part: WritableKeyPath<Self, [SpillFile.Extent]>) {
        guard let extent else {
            failed = true
            return
        }
        if extent.count > 0 { self[keyPath: part].append(extent) }
    }

    /// The entry's extents in layout order; nil if a write failed.
    mutating func finish() -> [SpillFile.Extent]? {
        flushText()
        if fixed == nil {
            flushOffsets()
            keep(spill.write(nulls), in: \.offsetExtents)
        }
        guard !failed, written == count else { return nil }
        return header + offsetExtents + textExtents
    }
}
