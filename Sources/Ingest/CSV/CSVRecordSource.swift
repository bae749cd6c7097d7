public import Datasets

/// Reads a CSV file with a header row and hands out cells in schema order.
public final class CSVRecordSource: RecordSource {
    public let format = "csv"
    public let encoding = "utf-8"
    private let reader: CSVReader
    private let header: HeaderMap
    private let file: String
    private var record = CSVRecord()

    /// Opens `path` and resolves its header against `schema`; throws when the file cannot
    /// be used at all (no header, missing required columns).
    public init(path: String, schema: Schema, userMap: [String: String] = [:]) throws {
        reader = try CSVReader(path: path)
        file = path
        guard try reader.next(into: &record) else { throw IngestError.emptyFile(path: path) }
        var cells: [String] = []
        for i in 0..<record.count {
            guard let cell = record.string(i) else { throw IngestError.undecodableHeader(path: path) }
            cells.append(cell)
        }
        header = try HeaderMap.resolve(header: cells, schema: schema, userMap: userMap, path: path)
    }

    public var ignoredColumns: [String] { header.ignoredColumns }
    public var bytesRead: Int { reader.bytesRead }

    public func next(cells: inout [RawCell]) throws -> SourceRecord? {
        guard try reader.next(into: &record) else { return nil }
        guard record.count == header.columnCount else {
            return .malformed(QuarantineEntry(
                file: file, line: record.startLine, field: "", reason: .wrongColumnCount, value: "",
                message: "本行有 \(record.count) 列，表头有 \(header.columnCount) 列（引号未闭合或行被截断时也会如此）。"
            ))
        }
        cells.removeAll(keepingCapacity: true)
        for column in header.columnOfField {
            guard let column else {
                cells.append(.absent)
                continue
            }
            if let text = record.string(column) {
                cells.append(.text(text))
            } else {
                cells.append(.undecodable(record.lossyString(column)))
            }
        }
        return .row(line: record.startLine)
    }
}
