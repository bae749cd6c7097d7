public import Datasets

/// The file formats the district's systems export.
public enum InputFormat: String, Sendable, CaseIterable {
    case csv
    case jsonl
    case xml

    /// The format a file name implies: .csv/.txt, .jsonl/.ndjson, .xml.
    public static func detect(path: String) throws -> InputFormat {
        let name = path.lowercased()
        if name.hasSuffix(".csv") || name.hasSuffix(".txt") { return .csv }
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json") { return .jsonl }
        if name.hasSuffix(".xml") { return .xml }
        let ext = name.split(separator: "/").last?.split(separator: ".").dropFirst().last.map(String.init) ?? "（无扩展名）"
        throw IngestError.unsupportedFormat(path: path, format: ext)
    }

    /// Opens a reader for `path` in this format.
    public func open(
        path: String, schema: Schema, userMap: [String: String], encoding: TextEncoding?
    ) throws -> any RecordSource {
        switch self {
        case .csv: try CSVRecordSource(path: path, schema: schema, userMap: userMap, encoding: encoding)
        case .jsonl: try JSONLinesRecordSource(path: path, schema: schema, userMap: userMap, encoding: encoding)
        case .xml: try XMLRecordSource(path: path, schema: schema, userMap: userMap, encoding: encoding?.iconvName)
        }
    }
}
