public import Datasets

/// Reads a CSV file with a header row and hands out cells in schema order.
public final class CSVRecordSource: RecordSource {
    public let format = "csv"
    public let encoding: String
    private let reader: CSVReader
    private let header: HeaderMap
    private let file: String
    private var record = CSVRecord()
    private let keyColumn: Int?
    /// The header's cells, to name a column in a message.
    private let headerCells: [String]
    /// Set by `enableRawFingerprints`: the seeded hasher every record's hash starts from.
    private var rawSeed: RowHasher?
    private var lookup: RawRowLookup?
    public private(set) var rawFingerprint: Int64?

    /// Opens `path` and resolves its header against `schema`; throws when the file cannot
    /// be used at all (no header, missing required columns).
    public init(path: String, schema: Schema, userMap: [String: String] = [:], encoding: TextEncoding? = nil) throws {
        let input = try TextInput.open(path: path, encoding: encoding)
        reader = CSVReader(stream: input.stream)
        self.encoding = input.encoding.rawValue
        file = path
        guard try reader.next(into: &record) else { throw IngestError.emptyFile(path: path) }
        var cells: [String] = []
        for i in 0..<record.count {
            guard let cell = record.string(i) else { throw IngestError.undecodableHeader(path: path) }
            cells.append(cell)
        }
        header = try HeaderMap.resolve(header: cells, schema: schema, userMap: userMap, path: path)
        headerCells = cells
        keyColumn = header.columnOfField[schema.keyIndex]
    }

    public var ignoredColumns: [String] { header.ignoredColumns }
    public var bytesRead: Int { reader.bytesRead }

    public func enableRawFingerprints(seed: RowHasher, lookup: RawRowLookup?) -> Bool {
        var hasher = seed
        for part in [format, encoding] + headerCells {
            var part = part
            part.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
        for column in header.columnOfField { hasher.combine(UInt64(bitPattern: Int64(column ?? -1))) }
        rawSeed = hasher
        self.lookup = lookup
        return true
    }

    public func next(into cells: inout ByteCells) throws -> SourceRecord? {
        guard let next = try nextRecord() else { return nil }
        guard case .row = next else { return next }
        record.bytes.withUnsafeBufferPointer { cells.append(record: $0, cellEnds: record.ends, columns: header.columnOfField) }
        return next
    }

    /// Reads the next record into `record`: `.row` when its cells are there to take.
    private func nextRecord() throws -> SourceRecord? {
        guard try reader.next(into: &record) else { return nil }
        rawFingerprint = nil
        guard record.count == header.columnCount else {
            // Cells before an unclosed quote are this line's; after it they are later lines'.
            let readable = min(record.count, record.openQuoteField ?? record.count)
            let key = keyColumn.flatMap { $0 < readable ? record.string($0) : nil }
            if let open = record.openQuoteField, reader.resumeAfterFirstLine(of: record) {
                let name = open < headerCells.count ? "（\(headerCells[open])）" : ""
                return .malformed(QuarantineEntry(
                    file: file, line: record.startLine, field: "", reason: .wrongColumnCount, value: "",
                    message: "第 \(open + 1) 列\(name)以引号开头，但引号在本行没有闭合，与后面的行连成一条有 \(record.count) 列的记录"
                        + "（表头有 \(header.columnCount) 列）：只隔离本行，从下一行继续读取。"
                ), key: key)
            }
            return .malformed(QuarantineEntry(
                file: file, line: record.startLine, field: "", reason: .wrongColumnCount, value: "",
                message: "本行有 \(record.count) 列，表头有 \(header.columnCount) 列（引号未闭合或行被截断时也会如此）。"
            ), key: key)
        }
        if var hasher = rawSeed {
            // The cells' bytes and where each ends: the record as the file wrote it, unquoted.
            record.bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            record.ends.withUnsafeBytes { hasher.combine(bytes: $0) }
            let raw = hasher.finalize()
            rawFingerprint = raw
            if let lookup, let keyColumn {
                let range = record.range(keyColumn)
                let stored = record.bytes.withUnsafeBytes {
                    lookup(UnsafeRawBufferPointer(rebasing: $0[range]), raw)
                }
                if let stored {
                    return .unchanged(line: record.startLine, slot: stored.slot, fingerprint: stored.fingerprint)
                }
            }
        }
        return .row(line: record.startLine)
    }
}
