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
/// temporary file (`SpillFile`) as unsorted runs (`KeyRuns`), and so do the fields' cells, the
/// relations and the 户号, written a chunk at a time; at the end the runs are sorted and merged
/// into the rows' key order, and every column is read back on its own and encoded in that order
/// straight from file order; the households are grouped as their 户号 are read back a chunk at
/// a time. The encoded entries wait in the file too until the import saves them. The import's
/// peak memory at 1 M residents 208–216 → 148–150 MiB (250 k: 101 → 90) with the file, then
/// → 101–114 MiB (250 k: 75–83) with the runs and the encoding in place; the cache saved byte for
/// byte the same (md5), the time within noise. Then the households renumbered in place, sorted
/// as numbers and their entries made one at a time (`PackedHouseholds`): 97 → 86 MiB at 1 M,
/// 210 → 175 MiB at 4 M (250 k: 72 → 70), the same cache (md5).
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
    /// Residents: each row's 户号 packed while every one fits (see `PackedKey`), then as text.
    private var packedHouseholds = PackedColumn()
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
            if holder == nil {
                keys.append(values, start + schema.keyIndex, spill: spill)
            } else {
                licenceKeys.append(values, start + schema.keyIndex)
            }
            if let household { appendHousehold(values, start + household) }
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

    private mutating func appendHousehold(_ values: FlatValues, _ index: Int) {
        if householdTexts != nil {
            householdTexts?.append(ColumnMapping.storedText(values[index]))
            return
        }
        var fits = true
        let packed = values.withStoredText(at: index) { bytes in bytes.map { PackedKey(bytes: $0, fits: &fits) } }
        if fits {
            packedHouseholds.append(packed, spill: spill)
        } else {
            // Rare (a 户号 longer than 16 bytes): the rows so far read back, as text from now on.
            householdTexts = (packedHouseholds.all(spill) ?? []).map { $0?.text } + [ColumnMapping.storedText(values[index])]
            packedHouseholds = PackedColumn()
        }
    }

    /// The cache entries for `generation` (the import's id), rows in the order a read from the
    /// table gives, each added to `spilled` as soon as it is made. Consumes the columns: each is
    /// read back, encoded and dropped on its own. False (and nothing more added) when the spill
    /// file failed.
    mutating func entries(generation: Int64, into spilled: inout SpilledEntries) -> Bool {
        let cache = ColumnCache(kind: schema.kind, schema: schema, request: request, generation: generation)
        let emit = { (entry: ColumnCache.Entry) in spilled.append(entry) }
        var order: [Int32]
        if schema.kind == .licences {
            order = licenceOrder()
            cache.entry(ColumnCache.keys, bytes: licenceKeys.encoded(order)).forEach(emit)
            cache.entry(ColumnCache.holders, bytes: holders.encoded(order)).forEach(emit)
            licenceKeys = ByteList()
            holders = ByteList()
        } else {
            guard let (merged, extents) = keys.merged(spill) else { return false }
            keys = KeyRuns()
            order = merged
            spilled.append(kind: schema.kind, generation: generation, name: ColumnCache.keys, extents: extents)
        }
        for (c, field) in fields.enumerated() {
            guard let column = columns[c].narrow(spill) else { return false }
            columns[c] = CollectedColumn()
            // Encoded in key order from file order (a copy in key order held 8 bytes a row more),
            // each value read where its narrow chunk holds it.
            let validity = ColumnCacheCodec.permuted(column.validity, order)
            let kind = field.kind.code
            let bytes = field.kind == .text
                ? ColumnCacheCodec.encode(count: order.count, kind: kind, validity: validity, strings: dictionary.strings) {
                    Int(column.value(Int(order[$0])))
                }
                : ColumnCacheCodec.encode(count: order.count, kind: kind, validity: validity) { column.value(Int(order[$0])) }
            guard let bytes else { return false }
            cache.entry(ColumnCache.fieldEntry(field.spec), bytes: bytes).forEach(emit)
        }
        guard schema.kind == .residents else { return true }
        guard let isHead = relationsEntry(order, cache, emit) else { return false }
        if let texts = householdTexts {
            let index = HouseholdIndex(order.map { texts[Int($0)] }, isHead: isHead) { (id: String) in id }
            let none = ColumnTable(count: count, columns: [:])
            cache.entries(none, dictionary: dictionary, texts: [HouseholdIndex.idsEntry: index.ids], integers: index.cacheIntegers)
                .forEach(emit)
            return true
        }
        // Grouped in file order as the 户号 are read back a chunk at a time, then renumbered in
        // key order; the 户号 list encoded from the packed keys. Building `HouseholdIndex` from
        // the 户号 in key order held 16 bytes a row more, and a `String` per household: the
        // import's peak at 1 M residents was there.
        // The key order waits in the spill file while the households are grouped (4 bytes a row
        // less at the first load's peak).
        guard let waiting = spill.write(order) else { return false }
        order = []
        // What the fields freed, handed back before the households are grouped (the last step,
        // and the load's peak: 4 M residents 145 → 139 MiB; 1 M about the same, 82–84 MiB).
        FreedMemory.handBack()
        guard var groups = packedHouseholds.grouped(spill, count: count) else { return false }
        packedHouseholds = PackedColumn()
        order.reserveCapacity(count)
        guard spill.read(waiting, appendingTo: &order) else { return false }
        groups.reorder(&order)
        order = []
        groups.cacheEntries(isHead: isHead) { name, bytes in cache.entry(name, bytes: bytes).forEach { spilled.append($0) } }
        return true
    }

    /// Emits the residents' relations entry (rows in `order`) and tells whether each row is a
    /// 户主; nil when the spill file failed. Its arrays are gone before the households are built.
    private mutating func relationsEntry(
        _ order: [Int32], _ cache: ColumnCache, _ emit: (ColumnCache.Entry) -> Void
    ) -> [Bool]? {
        guard let (codes, validity) = relations.all(spill) else { return nil }
        relations = CollectedColumn()
        let (entry, isHead) = HouseholdIndex.relations(codes: codes, validity: validity, strings: relationTexts, rows: order)
        cache.entry(HouseholdIndex.relationsEntry, bytes: entry).forEach(emit)
        return isHead
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
