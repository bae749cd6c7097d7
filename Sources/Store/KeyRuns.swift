internal import Datasets

/// A first load's keys, written to the spill file a run at a time as they come, then sorted run
/// by run and merged after the last row (`merged`): the rows' key order, and the keys cache
/// entry, written to the spill file as it is made. Nothing is held per row while the rows come,
/// and after them only the order, four bytes a row: at 1 M residents the keys had taken 27 MB while the file was read (a byte arena) and
/// 59 MB more while they were sorted at the end (32-byte items and the arena).
///
/// Each key is an item of its first 24 bytes packed big-endian (ids hold no NUL byte, so packed
/// prefixes order as the bytes do), its length and its row. A key of up to 24 bytes (every
/// 身份证号 and 统一社会信用代码) is its item; the rare longer one is also kept whole, to
/// order it against another of the same prefix and to write it to the entry.
struct KeyRuns: Sendable {
    private struct Item {
        var words: (UInt64, UInt64, UInt64)
        var row: Int32
        /// `KeyRuns.null` for a NULL key (never, for a stored row's key; sorts first).
        var length: UInt16

        var isNull: Bool { length == KeyRuns.null }
    }

    private static let null = UInt16.max
    /// Items of a run read back at a time, per run, while the runs are merged.
    private static let mergeBlock = 512

    private var pending: [Item] = []
    private var runs: [(extent: SpillFile.Extent, count: Int)] = []
    private var long: [Int32: [UInt8]] = [:]
    private(set) var count = 0
    private var width = TextListLayout.Width()
    private var textBytes = 0

    init() { pending.reserveCapacity(SpillFile.chunkRows) }

    /// The next row's key: cell `index` of `values`.
    mutating func append(_ values: FlatValues, _ index: Int, spill: SpillFile) {
        // Stored as SQLite would text it (never other than text, for a text key column).
        values.withStoredText(at: index) { bytes in
            if let bytes {
                add(bytes, spill)
            } else {
                width.add(nil)
                add(Item(words: (0, 0, 0), row: Int32(count), length: Self.null), spill)
            }
        }
    }

    private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ spill: SpillFile) {
        let words = ByteList.words(bytes)
        if bytes.count > 24 { long[Int32(count)] = Array(bytes) }
        width.add(bytes.count)
        textBytes += bytes.count
        add(Item(words: words, row: Int32(count), length: UInt16(min(bytes.count, Int(Self.null) - 1))), spill)
    }

    private mutating func add(_ item: Item, _ spill: SpillFile) {
        pending.append(item)
        count += 1
        if pending.count == SpillFile.chunkRows { flush(spill) }
    }

    /// Writes the pending items as a run, still in file order: it is sorted after the last row
    /// (`merged`), when the other core is idle, not while the rows come and both cores are busy
    /// (sorting each run as it filled cost the first load 0.1–0.6 s at 1 M residents). Dropped if
    /// the write fails: `merged` then fails too.
    private mutating func flush(_ spill: SpillFile) {
        guard !pending.isEmpty else { return }
        let extent = pending.withUnsafeBytes { spill.write(bytes: $0) }
        if let extent { runs.append((extent, pending.count)) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Each run read back, sorted and written again in its place (written after the unsorted
    /// ones, the runs had dirtied another 32 MB of the page cache at 1 M residents).
    private mutating func sortRuns(_ spill: SpillFile) {
        let long = long
        for run in runs {
            var ok = false
            pending = [Item](unsafeUninitializedCapacity: run.count) { buffer, initialized in
                ok = spill.read(run.extent, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = ok ? run.count : 0
            }
            guard ok else { return }
            pending.sort { Self.less($0, $1, long) }
            guard pending.withUnsafeBytes({ spill.overwrite(run.extent, with: $0) }) else { return }
        }
        pending = []
    }

    private static func less(_ a: Item, _ b: Item, _ long: [Int32: [UInt8]]) -> Bool {
        compare(a, b, long) < 0
    }

    /// BINARY order, NULL first (< 0, 0 or > 0); equal prefixes compare every byte only when one
    /// is longer.
    private static func compare(_ a: Item, _ b: Item, _ long: [Int32: [UInt8]]) -> Int {
        if a.words.0 != b.words.0 { return a.words.0 < b.words.0 ? -1 : 1 }
        if a.words.1 != b.words.1 { return a.words.1 < b.words.1 ? -1 : 1 }
        if a.words.2 != b.words.2 { return a.words.2 < b.words.2 ? -1 : 1 }
        if a.isNull != b.isNull { return a.isNull ? -1 : 1 }
        guard a.length > 24 || b.length > 24 else { return 0 }
        let x = bytes(a, long), y = bytes(b, long)
        return x == y ? 0 : x.lexicographicallyPrecedes(y) ? -1 : 1
    }

    private static func bytes(_ item: Item, _ long: [Int32: [UInt8]]) -> [UInt8] {
        if item.length > 24, let whole = long[item.row] { return whole }
        guard !item.isNull else { return [] }
        return (0..<Int(item.length)).map { k in
            let word = k < 8 ? item.words.0 : k < 16 ? item.words.1 : item.words.2
            return UInt8(truncatingIfNeeded: word >> UInt64(56 - (k & 7) * 8))
        }
    }

    /// After the last row: the rows in key order, and the keys cache entry in that order
    /// (`TextListBuilder`'s layout, byte for byte) as extents of `spill`, read in turn. Nil when
    /// the spill file failed.
    mutating func merged(_ spill: SpillFile) -> (order: [Int32], entry: [SpillFile.Extent])? {
        flush(spill)
        sortRuns(spill)
        guard !spill.failed else { return nil }
        var output = EntryWriter(spill: spill, fixed: width.fixed, count: count, textBytes: textBytes)
        var order: [Int32] = []
        order.reserveCapacity(count)
        var merge = RunMerge(runs: runs, spill: spill, long: long)
        while let item = merge.next() {
            order.append(item.row)
            // Only a key longer than its item is looked up (not a dictionary probe per row).
            if item.length > 24, !item.isNull, let whole = long[item.row] {
                output.append(whole[...], isNull: false)
            } else {
                var words = (item.words.0.bigEndian, item.words.1.bigEndian, item.words.2.bigEndian)
                let length = item.isNull ? 0 : Int(item.length)
                withUnsafeBytes(of: &words) { raw in
                    output.append(raw.prefix(length), isNull: item.isNull)
                }
            }
        }
        guard !merge.failed, order.count == count, let entry = output.finish() else { return nil }
        return (order, entry)
    }

    /// The runs' items in order: each run read back `mergeBlock` items at a time, the smallest
    /// head taken from a binary heap of (head, run). Every call is on the heap's own arrays, with
    /// no copy of the merge (a merge whose methods read heads through it was copied, with all
    /// its arrays retained, at every comparison: 1.2 s for a million keys).
    private struct RunMerge {
        private struct Head {
            var item: Item
            var run: Int
        }

        private let runs: [(extent: SpillFile.Extent, count: Int)]
        private let spill: SpillFile
        private let long: [Int32: [UInt8]]
        private var blocks: [[Item]]
        private var position: [Int]
        private var read: [Int]
        private var heap: [Head] = []
        private(set) var failed = false

        init(runs: [(extent: SpillFile.Extent, count: Int)], spill: SpillFile, long: [Int32: [UInt8]]) {
            self.runs = runs
            self.spill = spill
            self.long = long
            blocks = Array(repeating: [], count: runs.count)
            position = Array(repeating: 0, count: runs.count)
            read = Array(repeating: 0, count: runs.count)
            heap.reserveCapacity(runs.count)
            for run in runs.indices {
                guard let item = take(run) else { continue }
                heap.append(Head(item: item, run: run))
                var child = heap.count - 1
                while child > 0, Self.less(heap[child], heap[(child - 1) / 2], long) {
                    heap.swapAt(child, (child - 1) / 2)
                    child = (child - 1) / 2
                }
            }
        }

        private static func less(_ a: Head, _ b: Head, _ long: [Int32: [UInt8]]) -> Bool {
            let order = KeyRuns.compare(a.item, b.item, long)
            return order != 0 ? order < 0 : a.item.row < b.item.row
        }

        /// Run `run`'s next item, its next block read back when the last is used up; nil when
        /// it has no more (or the read failed).
        private mutating func take(_ run: Int) -> Item? {
            if position[run] == blocks[run].count {
                let count = min(KeyRuns.mergeBlock, runs[run].count - read[run])
                guard count > 0 else { return nil }
                let stride = MemoryLayout<Item>.stride
                let extent = SpillFile.Extent(offset: runs[run].extent.offset + Int64(read[run] * stride), count: count * stride)
                let spill = spill
                var ok = false
                blocks[run] = [Item](unsafeUninitializedCapacity: count) { buffer, initialized in
                    ok = spill.read(extent, into: UnsafeMutableRawBufferPointer(buffer))
                    initialized = ok ? count : 0
                }
                guard ok else {
                    failed = true
                    return nil
                }
                position[run] = 0
                read[run] += count
            }
            defer { position[run] += 1 }
            return blocks[run][position[run]]
        }

        mutating func next() -> Item? {
            guard let top = heap.first else { return nil }
            if let item = take(top.run) {
                heap[0].item = item
            } else {
                let last = heap.removeLast()
                guard !heap.isEmpty else { return top.item }
                heap[0] = last
            }
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < count, Self.less(heap[left], heap[smallest], long) { smallest = left }
                if right < count, Self.less(heap[right], heap[smallest], long) { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
            return top.item
        }
    }

    /// A text list written to the spill file a piece at a time, in `TextListBuilder`'s layout:
    /// fixed width (one header, then the bytes), or offsets, null words and bytes, each part's
    /// pieces written as they fill (the offsets and bytes interleave in the file; the entry lists
    /// its extents in layout order).
    private struct EntryWriter {
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
}
