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
/// of its own, `EngineColumnCollector`) and keep no `String` (keys and holders go into a byte
/// arena, `ByteList`); ordering and encoding run beside the index rebuild at the end (`entries`),
/// when the other core is idle. The fields' cells, the relations and the 户号 wait in a
/// temporary file (`SpillFile`), written a chunk at a time and read back one column at a time
/// when encoded, and so do the encoded entries until the import saves them: the import's peak
/// memory at 1 M residents 208–216 → 148–150 MiB (250 k: 101 → 90), the cache saved byte for
/// byte the same (md5), the time within noise.
struct FirstLoadColumns: Sendable {
    let schema: Schema
    let request: ColumnRequest
    /// The collected fields: index into the schema, and how a run reads its cells.
    private let fields: [Field]
    private let household: Int?
    private let relation: Int?
    private let holder: Int?
    private var count = 0
    private var keys = ByteList()
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
    /// licences: the holder), or when no spill file can be made in `spillDirectory`. Room for the
    /// keys is made for a tenth more than `expectedRows` (the importer's low guess from the file's
    /// size), so that their buffer does not double past what it needs.
    init?(schema: Schema, fields wanted: Set<String>, expectedRows: Int, spillDirectory: String) {
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
        let room = expectedRows + expectedRows / 10
        keys.reserve(rows: room, bytes: room * 18)
    }

    /// Written rows, `width` values each in schema order. Field by field: each column is taken
    /// out of `columns` while a batch's cells are appended to it, so that the appends check one
    /// array's uniqueness, not the column array's and the column's for every cell (the collecting
    /// thread's CPU at a 1 M-resident first load: 1098 → 938 perf samples).
    mutating func append(rows values: [FieldValue], width: Int) {
        guard width > 0 else { return }
        let rows = values.count / width
        for start in stride(from: 0, to: rows * width, by: width) {
            keys.append(values[start + schema.keyIndex])
            if let household { appendHousehold(values[start + household]) }
            if let relation { appendRelation(values[start + relation]) }
            if let holder { holders.append(values[start + holder]) }
        }
        for c in fields.indices {
            let index = fields[c].index, kind = fields[c].kind
            var column = CollectedColumn()
            swap(&column, &columns[c])
            for r in 0..<rows {
                column.append(cell(values[r * width + index], kind), spill: spill)
            }
            swap(&column, &columns[c])
        }
        count += rows
    }

    private mutating func appendRelation(_ value: FieldValue) {
        guard var text = ColumnMapping.storedText(value) else {
            relations.append(nil, spill: spill)
            return
        }
        let code = text.withUTF8 { bytes in
            relationCodes.code(bytes) { bytes in
                relationTexts.append(String(decoding: bytes, as: UTF8.self))
                return Int64(relationTexts.count - 1)
            }
        }
        relations.append(code, spill: spill)
    }

    private mutating func appendHousehold(_ value: FieldValue) {
        if householdTexts != nil {
            householdTexts?.append(ColumnMapping.storedText(value))
            return
        }
        var fits = true
        let packed: PackedKey?
        if case .text(var text) = value {
            packed = text.withUTF8 { PackedKey(bytes: $0, fits: &fits) }
        } else {
            packed = ColumnMapping.storedText(value).map { PackedKey(bytes: $0.utf8, fits: &fits) }
        }
        if fits {
            packedHouseholds.append(packed, spill: spill)
        } else {
            // Rare (a 户号 longer than 16 bytes): the rows so far read back, as text from now on.
            householdTexts = (packedHouseholds.all(spill) ?? []).map { $0?.text } + [ColumnMapping.storedText(value)]
            packedHouseholds = PackedColumn()
        }
    }

    /// The cache entries for `generation` (the import's id), rows in the order a read from the
    /// table gives, each handed to `emit` as soon as it is made. Consumes the columns: each is
    /// read back, encoded and dropped on its own. False (and nothing more emitted) when the spill
    /// file failed.
    mutating func entries(generation: Int64, emit: (ColumnCache.Entry) -> Void) -> Bool {
        let cache = ColumnCache(kind: schema.kind, schema: schema, request: request, generation: generation)
        let order = ordering()
        cache.entry(ColumnCache.keys, bytes: keys.encoded(order)).forEach(emit)
        keys = ByteList()
        if schema.kind == .licences {
            cache.entry(ColumnCache.holders, bytes: holders.encoded(order)).forEach(emit)
            holders = ByteList()
        }
        for (c, field) in fields.enumerated() {
            guard let (values, validity) = columns[c].all(spill) else { return false }
            columns[c] = CollectedColumn()
            let column = LoadedColumn(name: field.spec.name, type: field.spec.type, values: values, validity: validity)
                .gathering(order)
            let table = ColumnTable(count: count, columns: [field.spec.name: column])
            cache.entries(table, dictionary: dictionary, texts: [:], integers: [:]).forEach(emit)
        }
        guard schema.kind == .residents else { return true }
        guard let (relationCodes, relationValidity) = relations.all(spill) else { return false }
        relations = CollectedColumn()
        var codes = [Int64](repeating: 0, count: count)
        var valid = [UInt64](repeating: 0, count: (count + 63) >> 6)
        for (i, row) in order.enumerated() where relationValidity[Int(row) >> 6] & (1 << UInt64(row & 63)) != 0 {
            codes[i] = relationCodes[Int(row)]
            valid[i >> 6] |= 1 << UInt64(i & 63)
        }
        let (relationsEntry, isHead) = HouseholdIndex.relations(codes: codes, validity: valid, strings: relationTexts)
        let index: HouseholdIndex
        if let texts = householdTexts {
            index = HouseholdIndex(order.map { texts[Int($0)] }, isHead: isHead) { (id: String) in id }
        } else {
            guard let packed = packedHouseholds.all(spill, in: order) else { return false }
            packedHouseholds = PackedColumn()
            index = HouseholdIndex(packed, isHead: isHead)
        }
        let none = ColumnTable(count: count, columns: [:])
        cache.entries(none, dictionary: dictionary, texts: [HouseholdIndex.idsEntry: index.ids], integers: index.cacheIntegers)
            .forEach(emit)
        cache.entry(HouseholdIndex.relationsEntry, bytes: relationsEntry).forEach(emit)
        return true
    }

    /// Rows in key order (licences: by holder, NULL first, then key), as SQLite's BINARY
    /// collation orders them, compared by their first 24 bytes packed into integers and only on
    /// a tie by all their bytes.
    private func ordering() -> [Int32] {
        let keys = keys, holders = holders
        guard schema.kind == .licences else {
            // Keys only (unique, never NULL): 32 bytes an item, compared as integers.
            struct Item {
                var key: (UInt64, UInt64, UInt64)
                var row: Int32
            }
            var items = (0..<count).map { Item(key: keys.prefix($0).words, row: Int32($0)) }
            items.sort { a, b in
                if a.key != b.key { return a.key < b.key }
                return keys.compare(Int(a.row), keys.prefix(Int(a.row)), Int(b.row), keys.prefix(Int(b.row))) < 0
            }
            return items.map(\.row)
        }
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
    private mutating func cell(_ value: FieldValue, _ kind: CellKind) -> Int64? {
        switch (value, kind) {
        case (.null, _): return nil
        case (.integer(let i), .integer), (.decimal(let i), .integer): return i
        case (.integer(let i), .bool), (.decimal(let i), .bool): return i != 0 ? 1 : 0
        case (.bool(let b), .integer), (.bool(let b), .bool): return b ? 1 : 0
        case (.date(let day), .date): return Int64(day.daysSinceEpoch)
        case (.text(var text), .date): return text.withUTF8 { Day.parse(utf8: $0) }.map { Int64($0.daysSinceEpoch) }
        case (_, .integer), (_, .bool), (_, .date): return nil
        case (.text(var text), .text):
            return text.withUTF8 { bytes in byteCodes.code(bytes) { dictionary.code(String(decoding: $0, as: UTF8.self)) } }
        case (_, .text): return ColumnMapping.storedText(value).map { dictionary.code($0) }
        }
    }
}

/// One collected field (or the relations), row by row in file order: the chunk being filled
/// in memory, the full ones in the spill file (`SpillFile.chunkRows` rows each).
private struct CollectedColumn: Sendable {
    private var values: [Int64] = []
    private var validity: [UInt64] = []
    private var chunks: [(values: SpillFile.Extent, validity: SpillFile.Extent)] = []

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
        // After a failed write the chunk is dropped: `all` then fails too.
        if let written = spill.write(values), let words = spill.write(validity) {
            chunks.append((written, words))
        }
        values.removeAll(keepingCapacity: true)
        validity.removeAll(keepingCapacity: true)
    }

    /// Every row's value (0 for none) and validity, read back; nil if the spill file failed.
    func all(_ spill: SpillFile) -> (values: [Int64], validity: [UInt64])? {
        guard !spill.failed else { return nil }
        let rows = chunks.count * SpillFile.chunkRows + values.count
        var allValues: [Int64] = [], allValidity: [UInt64] = []
        allValues.reserveCapacity(rows)
        allValidity.reserveCapacity((rows + 63) >> 6)
        for chunk in chunks {
            guard spill.read(chunk.values, appendingTo: &allValues), spill.read(chunk.validity, appendingTo: &allValidity) else {
                return nil
            }
        }
        allValues += values
        allValidity += validity
        return (allValues, allValidity)
    }
}

/// The residents' 户号 packed (`PackedKey`), row by row in file order: two collected columns
/// of its halves' bits.
private struct PackedColumn: Sendable {
    private var high = CollectedColumn()
    private var low = CollectedColumn()

    mutating func append(_ key: PackedKey?, spill: SpillFile) {
        high.append(key.map { Int64(bitPattern: $0.high) }, spill: spill)
        low.append(key.map { Int64(bitPattern: $0.low) }, spill: spill)
    }

    /// Every row's key, read back, in file order or the rows' `order`; nil if the spill file failed.
    func all(_ spill: SpillFile, in order: [Int32]? = nil) -> [PackedKey?]? {
        guard let (highs, valid) = high.all(spill), let (lows, _) = low.all(spill) else { return nil }
        func key(_ row: Int) -> PackedKey? {
            valid[row >> 6] & (1 << UInt64(row & 63)) != 0
                ? PackedKey(high: UInt64(bitPattern: highs[row]), low: UInt64(bitPattern: lows[row])) : nil
        }
        return order.map { $0.map { key(Int($0)) } } ?? highs.indices.map(key)
    }
}

/// A first load's engine columns while they are collected: rows are added by one thread (the
/// importer's, off the writing thread) and taken once, after the last row, by `ImportWriter.finish`.
public final class EngineColumnCollector: @unchecked Sendable {
    fileprivate var columns: FirstLoadColumns?

    init(_ columns: FirstLoadColumns) { self.columns = columns }

    /// Rows as written, `width` values each in schema order.
    public func append(_ values: [FieldValue], width: Int) {
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
        let complete = columns.entries(generation: generation) { entry in
            guard let extent = spill.write(entry.bytes) else { return }
            spilled.entries.append((entry.kind, entry.generation, entry.name, extent))
        }
        return complete && !spill.failed ? spilled : nil
    }
}
