internal import Datasets

/// A first load's keys, written to the spill file a run at a time as they come, then sorted run
/// by run and merged after the last row (`merged`): the rows' key order, and the keys cache
/// entry, written to the spill file as they are made (`SpilledRuns`, `SpilledIntegers`). Nothing
/// is held per row, before or after the last: at 1 M residents the keys had taken 27 MB while
/// the file was read (a byte arena) and 59 MB more while they were sorted at the end (32-byte
/// items and the arena), then the order four bytes a row.
///
/// Each key is an item of its first 24 bytes packed big-endian (ids hold no NUL byte, so packed
/// prefixes order as the bytes do), its length and its row. A key of up to 24 bytes (every
/// 身份证号 and 统一社会信用代码) is its item; the rare longer one is also kept whole, to
/// order it against another of the same prefix and to write it to the entry.
struct KeyRuns: Sendable {
    /// A row's key and its row.
    struct Item: SpilledItem {
        var words: (UInt64, UInt64, UInt64)
        var row: Int32
        /// `KeyRuns.null` for a NULL key (never, for a stored row's key; sorts first).
        var length: UInt16

        var isNull: Bool { length == KeyRuns.null }

        /// The keys' order, ties (a repeated key) by row.
        static func less(_ a: Item, _ b: Item, _ long: [Int32: [UInt8]]) -> Bool {
            let order = KeyRuns.compare(a, b, long)
            return order != 0 ? order < 0 : a.row < b.row
        }
    }

    fileprivate static let null = UInt16.max

    /// Sorted after the last row (`merged`), when the other core is idle, not while the rows come
    /// and both cores are busy (sorting each run as it filled cost the first load 0.1–0.6 s at
    /// 1 M residents).
    private var runs = SpilledRuns<Item>(sortedAsWritten: false)
    /// The residents' packed 户号 (`PackedKey`; `noHousehold` for none), a run beside each run of
    /// keys and put in its order when it is sorted, so that the merge hands each row's 户号 with
    /// its key: the households are grouped in key order as the rows come (`SortedHouseholds`),
    /// with no row's 户号 held or looked up by row. Beside the items, not in them: items of 48
    /// bytes instead of 32 made the sort and the merge a third slower.
    private var households = HouseholdRuns()
    private var long: [Int32: [UInt8]] = [:]
    var count: Int { runs.count }
    private var width = TextListLayout.Width()
    private var textBytes = 0

    /// The next row's key: cell `index` of `values`; for residents, its packed 户号 (nil: none).
    mutating func append(_ values: FlatValues, _ index: Int, household: PackedKey??, spill: SpillFile) {
        // Stored as SQLite would text it (never other than text, for a text key column).
        values.withStoredText(at: index) { bytes in
            let row = Int32(count)
            var item = Item(words: (0, 0, 0), row: row, length: Self.null)
            if let bytes {
                item.words = ByteList.words(bytes)
                item.length = UInt16(min(bytes.count, Int(Self.null) - 1))
                if bytes.count > 24 { long[row] = Array(bytes) }
                textBytes += bytes.count
            }
            width.add(bytes?.count)
            runs.append(item, spill, long)
        }
        if let household { households.append(household ?? HouseholdRuns.none, full: count % SpillFile.chunkRows == 0, spill) }
    }

    /// The packed 户号 of the rows so far, in file order (each row's, nil for none); nil if the
    /// spill file failed. Before `merged` only.
    func households(_ spill: SpillFile) -> [PackedKey?]? {
        households.all(spill)
    }

    /// BINARY order, NULL first (< 0, 0 or > 0); equal prefixes compare every byte only when one
    /// is longer.
    fileprivate static func compare(_ a: Item, _ b: Item, _ long: [Int32: [UInt8]]) -> Int {
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

    /// After the last row: the rows in key order, written to the spill file as they come
    /// (`order`: each position's row), each handed to `each` too (its position and its packed
    /// 户号, if it has one), and the keys cache entry in that order (`TextListBuilder`'s layout,
    /// byte for byte) as extents of `spill`, read in turn. Nil when the spill file failed.
    mutating func merged(
        _ spill: SpillFile, each: (Int32, PackedKey?) -> Void
    ) -> (order: SpilledIntegers, entry: [SpillFile.Extent])? {
        let withHouseholds = households.count == count
        var merge = runs.merge(spill, long) { run, items in
            if withHouseholds { households.sort(run, as: items, spill) }
        }
        guard !spill.failed else { return nil }
        var reader = households.reader()
        var output = TextEntryWriter(spill: spill, fixed: width.fixed, count: count, textBytes: textBytes)
        var order = SpilledIntegers()
        while let item = merge.next() {
            let household = withHouseholds ? reader.household(merge.lastRun, merge.lastIndex, spill) : nil
            each(Int32(order.count), household)
            order.append(item.row, spill)
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
        order.flush(spill)
        guard !merge.failed, !reader.failed, order.count == count, let entry = output.finish() else { return nil }
        return (order, entry)
    }
}

/// The residents' packed 户号 beside `KeyRuns`' runs: one run per run of keys (`SpillFile.chunkRows`
/// rows), in file order until that run is sorted, then in its order; read back during the merge a
/// block per run.
private struct HouseholdRuns: Sendable {
    /// A row without 户号 (no UTF-8 text packs to it: 0xFF is no UTF-8 byte).
    static let none = PackedKey(high: ~0, low: ~0)

    private var pending: [PackedKey] = []
    private var runs: [SpillFile.Extent] = []
    private(set) var count = 0

    mutating func append(_ household: PackedKey, full: Bool, _ spill: SpillFile) {
        pending.append(household)
        count += 1
        if full { flush(spill) }
    }

    private mutating func flush(_ spill: SpillFile) {
        guard !pending.isEmpty else { return }
        if let extent = spill.write(pending) { runs.append(extent) }
        pending.removeAll(keepingCapacity: true)
    }

    func all(_ spill: SpillFile) -> [PackedKey?]? {
        var all: [PackedKey?] = []
        all.reserveCapacity(count)
        for run in runs {
            guard let keys = spill.items(run, as: PackedKey.self) else { return nil }
            all += keys.map { $0 == Self.none ? nil : $0 }
        }
        return all + pending.map { $0 == Self.none ? nil : $0 }
    }

    /// Run `run` put in the order of its sorted `items` (run `run` holds rows from
    /// `run × SpillFile.chunkRows`). The last run is still pending: written now.
    mutating func sort(_ run: Int, as items: [KeyRuns.Item], _ spill: SpillFile) {
        if run == runs.count { flush(spill) }
        guard run < runs.count, let keys = spill.items(runs[run], as: PackedKey.self), keys.count == items.count else { return }
        let first = run * SpillFile.chunkRows
        let sorted = items.map { keys[Int($0.row) - first] }
        _ = sorted.withUnsafeBytes { spill.overwrite(runs[run], with: $0) }
    }

    func reader() -> Reader { Reader(runs: runs) }

    /// Each run's 户号 read back a block at a time, as the merge takes its items in order.
    struct Reader {
        let runs: [SpillFile.Extent]
        /// As many as the merge reads of the keys at a time (`SpilledMerge.block`).
        private let block: Int
        private var blocks: [[PackedKey]]
        private var starts: [Int]
        private(set) var failed = false

        init(runs: [SpillFile.Extent]) {
            self.runs = runs
            block = SpilledMerge<KeyRuns.Item>.block(runs: runs.count, stride: MemoryLayout<KeyRuns.Item>.stride)
            blocks = Array(repeating: [], count: runs.count)
            starts = Array(repeating: 0, count: runs.count)
        }

        /// The 户号 of item `index` of run `run` (nil: none, or the read failed).
        mutating func household(_ run: Int, _ index: Int, _ spill: SpillFile) -> PackedKey? {
            if index - starts[run] >= blocks[run].count {
                let stride = MemoryLayout<PackedKey>.stride
                let count = min(block, runs[run].count / stride - index)
                let extent = SpillFile.Extent(offset: runs[run].offset + Int64(index * stride), count: count * stride)
                starts[run] = index
                guard count > 0, let keys = spill.items(extent, as: PackedKey.self) else {
                    failed = true
                    return nil
                }
                blocks[run] = keys
            }
            let key = blocks[run][index - starts[run]]
            return key == HouseholdRuns.none ? nil : key
        }
    }
}
