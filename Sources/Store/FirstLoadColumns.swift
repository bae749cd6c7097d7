public import Datasets

/// The engine's columns of a first load (an import into an empty table), collected from the rows
/// as the import writes them and saved as the kind's column-cache entries (`ColumnCache`) in the
/// import's own transaction: the first run after a first load then reads a few blobs, like every
/// later run, instead of every row of the table again (at 1 M residents, about 2 s of that run).
///
/// Which fields: those the rule library reads (the importer's caller passes the engine's column
/// request); a run that reads a field not collected reads the table, as before. The entries are
/// exactly what `PartReader` caches after reading the table (tested byte for byte): each cell as
/// SQLite hands it back (`cell`), rows in key order (licences: holder, NULL first, then key), the
/// residents' household index from the same code.
///
/// Rows are collected off the writing thread (the importer hands each written batch to a thread
/// of its own, `EngineColumnCollector`) and keep no `String`; ordering and encoding run beside
/// the index rebuild at the end (`entries`), when the other core is idle. The keys wait in the
/// temporary file (`SpillFile`) as unsorted runs (`KeyRuns`), with the residents' 户号 beside
/// them, and so do the fields' cells and the relations, written a chunk at a time; at the end the
/// runs are sorted and merged into the rows' key order, every column is encoded in that order on
/// its own, and the households are grouped by sorting (`SortedHouseholds`). The encoded entries
/// wait in the file too until the import saves them. Memory held at the end does not grow with
/// the table (4 M residents: 116 → 69 MiB, the reading's own peak; see `entries`). The import's
/// peak memory at 1 M residents 208–216 → 148–150 MiB (250 k: 101 → 90) with the file, then
/// → 101–114 MiB (250 k: 75–83) with the runs and the encoding in place; the cache saved byte for
/// byte the same (md5), the time within noise. Then the households renumbered in place, sorted
/// as numbers and their entries made one at a time (`PackedHouseholds`, since replaced by the
/// sorting): 97 → 86 MiB at 1 M, 210 → 175 MiB at 4 M (250 k: 72 → 70), the same cache (md5).
struct FirstLoadColumns: Sendable {
    let schema: Schema
    let request: ColumnRequest
    /// The collected fields: index into the schema, and how a run reads its cells.
    private let fields: [Field]
    private let household: Int?
    private let relation: Int?
    private let holder: Int?
    private var count = 0
    /// The keys: sorted in runs as they come (`KeyRuns`); licences', ordered by holder first, in
    /// `licenceKeys` (a few per enterprise).
    private var keys = KeyRuns()
    private var licenceKeys = ByteList()
    private var columns: [CollectedColumn]
    private let spill: SpillFile
    private var dictionary = TextDictionary()
    private var byteCodes = ByteCodes()
    /// Residents: each row's 户号 as text once one does not fit a `PackedKey` (rare: until then
    /// each row's is packed and carried with its key, `KeyRuns`).
    private var householdTexts: [String?]?
    /// Residents: each row's relation, coded.
    private var relations = CollectedColumn()
    private var relationCodes = ByteCodes()
    private var relationTexts: [String] = []
    /// Licences: each row's holder.
    private var holders = ByteList()

    private struct Field: Sendable {
        var index: Int
        var spec: FieldSpec
        var kind: CellKind
    }

    /// The file the collected rows wait in (handed over with them, `FirstLoadHandOver`).
    var spillFile: SpillFile { spill }

    /// Nil when the schema lacks what the engine's structure needs (residents: 户号 and relation;
    /// licences: the holder), or when no spill file can be made in `spillDirectory`.
    init?(schema: Schema, fields wanted: Set<String>, spillDirectory: String) {
        guard let spill = SpillFile(directory: spillDirectory) else { return nil }
        self.spill = spill
        self.schema = schema
        request = ColumnRequest(subjects: [], fields: [schema.kind: wanted])
        fields = schema.fields.enumerated().filter { wanted.contains($0.element.name) }
            .map { Field(index: $0.offset, spec: $0.element, kind: CellKind($0.element.type)) }
        columns = Array(repeating: CollectedColumn(), count: fields.count)
        household = schema.kind == .residents ? schema.index(of: "household_id") : nil
        relation = schema.kind == .residents ? schema.index(of: "relation") : nil
        holder = schema.kind == .licences ? schema.index(of: "holder_id") : nil
        guard schema.kind != .residents || (household != nil && relation != nil) else { return nil }
        guard schema.kind != .licences || holder != nil else { return nil }
    }

    /// Written rows, `width` values each in schema order. Field by field: each column is taken
    /// out of `columns` while a batch's cells are appended to it, so that the appends check one
    /// array's uniqueness, not the column array's and the column's for every cell (the collecting
    /// thread's CPU at a 1 M-resident first load: 1098 → 938 perf samples). Texts are read as
    /// the batch's bytes.
    mutating func append(rows values: FlatValues, width: Int) {
        guard width > 0 else { return }
        let rows = values.count / width
        for start in stride(from: 0, to: rows * width, by: width) {
            let packed = household.map { householdKey(values, start + $0) }
            if holder == nil {
                keys.append(values, start + schema.keyIndex, household: packed, spill: spill)
            } else {
                licenceKeys.append(values, start + schema.keyIndex)
            }
            if let relation { appendRelation(values, start + relation) }
            if let holder { holders.append(values, start + holder) }
        }
        for c in fields.indices {
            let index = fields[c].index, kind = fields[c].kind
            var column = CollectedColumn()
            swap(&column, &columns[c])
            for r in 0..<rows {
                column.append(cell(values, r * width + index, kind), spill: spill)
            }
            swap(&column, &columns[c])
        }
        count += rows
    }

    private mutating func appendRelation(_ values: FlatValues, _ index: Int) {
        let code = values.withStoredText(at: index) { bytes in
            bytes.map { bytes in
                relationCodes.code(bytes) { bytes in
                    relationTexts.append(String(decoding: bytes, as: UTF8.self))
                    return Int64(relationTexts.count - 1)
                }
            }
        }
        relations.append(code, spill: spill)
    }

    /// The row's 户号 packed (see `PackedKey`), carried with its key; nil for none, and for every
    /// row once one longer than 16 bytes has come (from then on they are kept as text, those
    /// before read back from the keys' runs).
    private mutating func householdKey(_ values: FlatValues, _ index: Int) -> PackedKey? {
        if householdTexts != nil {
            householdTexts?.append(ColumnMapping.storedText(values[index]))
            return nil
        }
        var fits = true
        let packed = values.withStoredText(at: index) { bytes in bytes.map { PackedKey(bytes: $0, fits: &fits) } }
        if fits { return packed }
        householdTexts = (keys.households(spill) ?? []).map { $0?.text } + [ColumnMapping.storedText(values[index])]
        return nil
    }

    /// The cache entries for `generation` (the import's id), rows in the order a read from the
    /// table gives, each added to `spilled` as soon as it is made. Consumes the columns: each is
    /// read back, encoded and dropped on its own. False (and nothing more added) when the spill
    /// file failed.
    ///
    /// Nothing is held a row at a time but bits and, up to `inMemoryColumn` bytes, the column being
    /// encoded: the key order waits in the spill file and is read a block at a time, once per
    /// pass over a column; larger columns are put in key order through buckets; each entry is
    /// written to the file as it is made; and the households are grouped by sorting, there too
    /// (`SortedHouseholds`). Held whole, the order, each column and entry and the households' hash
    /// grouping made the 4 M-resident first load's peak: 116 MiB against 69 while the rows were
    /// read; now 69 (heaptrack: 82 → 26 MB of heap at the peak), in about the same time (1 M
    /// residents, six alternations: 2.70 → 2.77 s median wall).
    mutating func entries(generation: Int64, into spilled: inout SpilledEntries) -> Bool {
        let cache = ColumnCache(kind: schema.kind, schema: schema, request: request, generation: generation)
        let kind = schema.kind
        var order = SpilledIntegers()
        var households = SortedHouseholds()
        if kind == .licences {
            let inKeyOrder = licenceOrder()
            cache.entry(ColumnCache.keys, bytes: licenceKeys.encoded(inKeyOrder)).forEach { spilled.append($0) }
            cache.entry(ColumnCache.holders, bytes: holders.encoded(inKeyOrder)).forEach { spilled.append($0) }
            licenceKeys = ByteList()
            holders = ByteList()
            for row in inKeyOrder { order.append(row, spill) }
            order.flush(spill)
        } else {
            let grouping = kind == .residents && householdTexts == nil
            guard let (merged, extents) = keys.merged(spill, each: { _, household in
                if grouping { households.add(household, spill) }
            }) else { return false }
            keys = KeyRuns()
            order = merged
            spilled.append(kind: kind, generation: generation, name: ColumnCache.keys, extents: extents)
        }
        // Each row's position, once, if some column is permuted through buckets.
        var rowPositions: SpilledIntegers??
        let positions = { () -> SpilledIntegers? in
            if rowPositions == nil { rowPositions = .some(RowPositions.of(order, spill)) }
            return rowPositions ?? nil
        }
        for (c, field) in fields.enumerated() {
            let strings = field.kind == .text ? dictionary.strings : nil
            let entry = Self.encode(columns[c], kind: field.kind.code, strings: strings, order: order, positions: positions, spill)
            columns[c] = CollectedColumn()
            guard let entry else { return false }
            spilled.append(kind: kind, generation: generation, name: ColumnCache.fieldEntry(field.spec), extents: entry)
        }
        guard kind == .residents else { return true }
        // The relations, and which positions hold a 户主.
        let headCode = relationTexts.firstIndex(of: HouseholdIndex.head).map(Int64.init) ?? -1
        var isHead = [UInt64](repeating: 0, count: (order.count + 63) >> 6)
        let entry = Self.encode(relations, kind: 4, strings: relationTexts, order: order, positions: positions, spill) { position, code in
            if code == headCode { isHead[position >> 6] |= 1 << UInt64(position & 63) }
        }
        relations = CollectedColumn()
        guard let entry else { return false }
        spilled.append(kind: kind, generation: generation, name: HouseholdIndex.relationsEntry, extents: entry)
        guard let texts = householdTexts else {
            return households.entries(isHead: isHead, spill) { name, extents in
                spilled.append(kind: kind, generation: generation, name: name, extents: extents)
            }
        }
        // A 户号 longer than 16 bytes (rare): grouped in memory, by text.
        var rows: [Int32] = []
        guard texts.count == count, order.forEachBlock(spill, { rows += $1 }) else { return false }
        let heads = rows.indices.map { isHead[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }
        let index = HouseholdIndex(rows.map { texts[Int($0)] }, isHead: heads) { (id: String) in id }
        let none = ColumnTable(count: count, columns: [:])
        cache.entries(none, dictionary: dictionary, texts: [HouseholdIndex.idsEntry: index.ids], integers: index.cacheIntegers)
            .forEach { spilled.append($0) }
        return true
    }

    /// A column is permuted into key order in memory when it is read back (`NarrowColumn`) in at
    /// most this many bytes, through buckets beyond (`PositionBuckets`). In memory is the faster
    /// (a first load of 1 M residents, every column in memory: its encoding thread 1.04 → 0.85 s,
    /// perf); beyond it, the column's bytes grow with the table (16 MB for an amount at 4 M
    /// residents). At 8 MB a 4 M-resident first load peaked at 74 MiB, 69 with every column
    /// through buckets; 6 MB still holds a million residents' amounts (4 bytes each).
    #if DEBUG
    static let inMemoryColumn = 4 << 10  // the tests' 3,000 rows: one-byte columns in memory, wider ones not
    #else
    static let inMemoryColumn = 6 << 20
    #endif

    /// A collected column's entry, rows in key order (`order`: each position's row), as extents of
    /// the spill file; nil if it failed. Small enough (`inMemoryColumn`), the column is read back
    /// whole and read at random in one pass over the order (`inKeyOrder`). Else its chunks are read in row order beside each row's
    /// position (`positions`, made once for every such column) and each valid cell is sent to its
    /// position's bucket, which gives the validity and range; then the buckets are placed and
    /// written in position order. `each` is handed every valid position and its value, in order.
    /// Text columns (`strings`: the texts their codes stand for) get a dictionary of their own,
    /// of the texts used, in order of first appearance (as
    /// `ColumnCacheCodec.encode(count:kind:validity:strings:code:)`: nil when a code lies outside
    /// `strings`).
    private static func encode(
        _ column: CollectedColumn, kind: UInt8, strings: [String]?, order: SpilledIntegers,
        positions: () -> SpilledIntegers?, _ spill: SpillFile, each: (Int, Int64) -> Void = { _, _ in }
    ) -> [SpillFile.Extent]? {
        if column.narrowBytes <= inMemoryColumn {
            guard let column = column.narrow(spill) else { return nil }
            return inKeyOrder(column, kind: kind, strings: strings, order: order, spill, each: each)
        }
        var range = EntryRange(count: order.count, strings: strings)
        struct Cell {
            var position: Int32
            var low: UInt32
            var high: UInt32
            var value: Int64 { Int64(bitPattern: UInt64(high) << 32 | UInt64(low)) }
        }
        guard let positions = positions() else { return nil }
        var buckets = PositionBuckets<Cell>(count: order.count)
        var chunk = 0, aligned = true
        let spread = positions.forEachBlock(spill) { _, rows in
            guard let (values, valid) = column.chunk(chunk, spill), values.count == rows.count else {
                aligned = false
                return
            }
            chunk += 1
            for (r, position) in rows.enumerated() where valid[r >> 6] & (1 << UInt64(r & 63)) != 0 {
                let value = values[r], bits = UInt64(bitPattern: value)
                range.add(value, at: Int(position))
                buckets.append(Cell(position: position, low: UInt32(truncatingIfNeeded: bits), high: UInt32(bits >> 32)), at: Int(position), spill)
            }
        }
        guard spread, aligned, var writer = range.writer(kind: kind, spill) else { return nil }
        var block = [Int64](repeating: 0, count: PositionBuckets<Cell>.span)
        let placed = buckets.forEachBucket(spill) { first, span, cells in
            for cell in cells { block[Int(cell.position) - first] = cell.value }
            writer.append(span) { i in
                guard range.isValid(first + i) else { return nil }
                each(first + i, block[i])
                return range.stored(block[i])
            }
        }
        return placed ? writer.finish(dictionary: range.dictionary) : nil
    }

    /// A column read back whole, put in key order in one pass over the order. What the values
    /// must be known by first does not depend on their order: the range, or the number of texts
    /// used (a text column's own codes are given in order of first appearance as the pass meets
    /// them), found by a pass over the column as it lies; the validity goes to the entry with the
    /// last value (a first pass over the order for it and the range was 0.05 s of a 1 M-resident
    /// first load's encoding, perf).
    private static func inKeyOrder(
        _ column: NarrowColumn, kind: UInt8, strings: [String]?, order: SpilledIntegers, _ spill: SpillFile,
        each: (Int, Int64) -> Void
    ) -> [SpillFile.Extent]? {
        let count = order.count, source = column.validity
        var low = Int64.max, high = Int64.min
        var local = [Int64](repeating: -1, count: strings?.count ?? 0)
        var used = 0
        for row in 0..<count where source[row >> 6] & (1 << UInt64(row & 63)) != 0 {
            let value = column.value(row)
            guard strings != nil else {
                low = min(low, value)
                high = max(high, value)
                continue
            }
            guard 0 <= value, value < Int64(local.count) else { return nil }
            if local[Int(value)] < 0 {
                local[Int(value)] = 0
                used += 1
            }
        }
        if strings != nil {
            (low, high) = used == 0 ? (.max, .min) : (0, Int64(used - 1))
            for code in local.indices { local[code] = -1 }
        }
        var writer = IntegerEntryWriter(
            spill: spill, count: count, kind: kind, validity: .atFinish, base: low, top: high, hasDictionary: strings != nil
        )
        var validity = [UInt64](repeating: 0, count: (count + 63) >> 6)
        var dictionary: [String] = []
        let written = order.forEachBlock(spill) { start, rows in
            writer.append(rows.count) { i in
                let row = Int(rows[i])
                guard source[row >> 6] & (1 << UInt64(row & 63)) != 0 else { return nil }
                let position = start + i, value = column.value(row)
                validity[position >> 6] |= 1 << UInt64(position & 63)
                each(position, value)
                guard let strings else { return value }
                if local[Int(value)] < 0 {
                    local[Int(value)] = Int64(dictionary.count)
                    dictionary.append(strings[Int(value)])
                }
                return local[Int(value)]
            }
        }
        return written ? writer.finish(validity: validity, dictionary: strings == nil ? nil : dictionary) : nil
    }

    /// What an entry's values must be known by before they are written: every position's
    /// validity and the values' range, or for a text column its dictionary (the codes used, by
    /// first position: the order `ColumnCacheCodec` numbers them in).
    private struct EntryRange {
        let count: Int
        let strings: [String]?
        private(set) var validity: [UInt64]
        private var low = Int64.max, high = Int64.min
        private var firstAt: [Int32]
        private var local: [Int64] = []
        private(set) var dictionary: [String]?
        private var outside = false

        init(count: Int, strings: [String]?) {
            self.count = count
            self.strings = strings
            validity = [UInt64](repeating: 0, count: (count + 63) >> 6)
            firstAt = [Int32](repeating: .max, count: strings?.count ?? 0)
        }

        @inline(__always)
        mutating func add(_ value: Int64, at position: Int) {
            validity[position >> 6] |= 1 << UInt64(position & 63)
            guard strings != nil else {
                low = min(low, value)
                high = max(high, value)
                return
            }
            guard 0 <= value, value < Int64(firstAt.count) else {
                outside = true
                return
            }
            firstAt[Int(value)] = min(firstAt[Int(value)], Int32(position))
        }

        @inline(__always)
        func isValid(_ position: Int) -> Bool { validity[position >> 6] & (1 << UInt64(position & 63)) != 0 }

        /// A valid value as the entry stores it (a text column's: its code in the entry's own
        /// dictionary).
        @inline(__always)
        func stored(_ value: Int64) -> Int64 { strings == nil ? value : local[Int(value)] }

        /// The entry's writer, its head written; nil when a code lies outside `strings`.
        mutating func writer(kind: UInt8, _ spill: SpillFile) -> IntegerEntryWriter? {
            guard !outside else { return nil }
            if let strings {
                local = [Int64](repeating: -1, count: firstAt.count)
                var used: [String] = []
                for code in firstAt.indices.filter({ firstAt[$0] != .max }).sorted(by: { firstAt[$0] < firstAt[$1] }) {
                    local[code] = Int64(used.count)
                    used.append(strings[code])
                }
                dictionary = used
                (low, high) = used.isEmpty ? (.max, .min) : (0, Int64(used.count - 1))
            }
            return IntegerEntryWriter(
                spill: spill, count: count, kind: kind, validity: .bits(validity), base: low, top: high, hasDictionary: strings != nil
            )
        }
    }

    /// Licences in the order a read from the table gives: by holder, NULL first, then key, as
    /// SQLite's BINARY collation orders them, compared by their first 24 bytes packed into
    /// integers and only on a tie by all their bytes.
    private func licenceOrder() -> [Int32] {
        let keys = licenceKeys, holders = holders
        struct Item {
            var holder: ByteList.Prefix
            var key: ByteList.Prefix
            var row: Int32
        }
        var items = (0..<count).map { Item(holder: holders.prefix($0), key: keys.prefix($0), row: Int32($0)) }
        items.sort { a, b in
            let order = holders.compare(Int(a.row), a.holder, Int(b.row), b.holder)
            if order != 0 { return order < 0 }
            return keys.compare(Int(a.row), a.key, Int(b.row), b.key) < 0
        }
        return items.map(\.row)
    }

    /// A written value as `PartReader.cell` reads its stored cell back (see `ColumnMapping`:
    /// integers, decimals and 是/否 stored as INTEGER, dates and texts as TEXT).
    private mutating func cell(_ values: FlatValues, _ index: Int, _ kind: CellKind) -> Int64? {
        values.withText(at: index) { textCell($0, kind) } ?? cell(values[index], kind)
    }

    /// A text's UTF-8 bytes as the cell the column holds for it.
    private mutating func textCell(_ bytes: UnsafeBufferPointer<UInt8>, _ kind: CellKind) -> Int64? {
        switch kind {
        case .date: Day.parse(utf8: bytes).map { Int64($0.daysSinceEpoch) }
        case .integer, .bool: nil
        case .text: byteCodes.code(bytes) { dictionary.code(String(decoding: $0, as: UTF8.self)) }
        }
    }

    /// The same for any value (a text one by its bytes, as above).
    private mutating func cell(_ value: FieldValue, _ kind: CellKind) -> Int64? {
        switch (value, kind) {
        case (.null, _): return nil
        case (.text(let text), _): return text.withUTF8Bytes { textCell($0, kind) }
        case (.integer(let i), .integer), (.decimal(let i), .integer): return i
        case (.integer(let i), .bool), (.decimal(let i), .bool): return i != 0 ? 1 : 0
        case (.bool(let b), .integer), (.bool(let b), .bool): return b ? 1 : 0
        case (.date(let day), .date): return Int64(day.daysSinceEpoch)
        case (_, .integer), (_, .bool), (_, .date): return nil
        case (_, .text): return ColumnMapping.storedText(value).map { dictionary.code($0) }
        }
    }
}

/// A first load's engine columns while they are collected: rows are added by one thread (the
/// importer's, off the writing thread) and taken once, after the last row, by `ImportWriter.finish`.
public final class EngineColumnCollector: @unchecked Sendable {
    fileprivate var columns: FirstLoadColumns?

    init(_ columns: FirstLoadColumns) { self.columns = columns }

    /// Rows as written, `width` values each in schema order.
    public func append(_ values: FlatValues, width: Int) {
        columns?.append(rows: values, width: width)
    }

    func take() -> FirstLoadColumns? { columns.take() }
}

/// Hands the collected columns to the thread that encodes them, which then holds the only
/// reference: each column it drops is freed (a copy captured by the closure would keep them all).
final class FirstLoadHandOver: @unchecked Sendable {
    private var columns: FirstLoadColumns?

    init(_ columns: FirstLoadColumns) { self.columns = columns }

    /// Once, from the encoding thread: the entries, written to the spill file as they are made.
    func entries(generation: Int64) -> SpilledEntries? {
        guard var columns = columns.take() else { return nil }
        let spill = columns.spillFile
        var spilled = SpilledEntries(spill: spill)
        let complete = columns.entries(generation: generation, into: &spilled)
        return complete && !spill.failed ? spilled : nil
    }
}
