public import Datasets

/// Reads JSON Lines: one flat object per line with canonical field names or aliases. Numbers
/// may be JSON numbers or strings; null or a missing key is an empty cell. Lines count from 1
/// (there is no header); blank lines are skipped. A line that is not a valid object is
/// quarantined as bad_json and the rest continue.
public final class JSONLinesRecordSource: RecordSource {
    public let format = "jsonl"
    public let encoding: String
    public private(set) var ignoredColumns: [String] = []
    private let lines: LineReader
    private let names: FieldNameResolver
    private let fieldCount: Int
    private let file: String
    private let keyIndex: Int
    private var seen: [Bool]

    public init(path: String, schema: Schema, userMap: [String: String] = [:], encoding: TextEncoding? = nil) throws {
        let input = try TextInput.open(path: path, encoding: encoding)
        lines = LineReader(stream: input.stream)
        self.encoding = input.encoding.rawValue
        names = try FieldNameResolver(schema: schema, userMap: userMap, path: path)
        fieldCount = schema.fields.count
        keyIndex = schema.keyIndex
        file = path
        seen = Array(repeating: false, count: schema.fields.count)
    }

    public var bytesRead: Int { lines.bytesRead }
    /// The current record's cells as the JSON parser decoded them.
    private var cells: [RawCell] = []

    public func next(into out: inout ByteCells) throws -> SourceRecord? {
        while try lines.next() {
            if lines.line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            cells.removeAll(keepingCapacity: true)
            cells.append(contentsOf: repeatElement(.text(""), count: fieldCount))
            for i in seen.indices { seen[i] = false }
            do {
                try FlatJSONObject.parse(lines.line) { key, value in
                    guard let index = names.field(for: key) else {
                        if !ignoredColumns.contains(key) { ignoredColumns.append(key) }
                        return
                    }
                    guard !seen[index] else { return }
                    seen[index] = true
                    switch value {
                    case .text(let text): cells[index] = .text(text)
                    case .undecodable(let lossy): cells[index] = .undecodable(lossy)
                    case .null: cells[index] = .text("")
                    }
                }
            } catch let error as FlatJSONObject.SyntaxError {
                return .malformed(QuarantineEntry(
                    file: file, line: lines.lineNumber, field: "", reason: .badJSON, value: "",
                    message: "不是有效的 JSON 对象：\(error.message)。"
                ), key: nil)
            }
            for cell in cells { out.append(cell) }
            return .row(line: lines.lineNumber)
        }
        return nil
    }
}
