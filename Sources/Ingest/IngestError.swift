public import Datasets
public import Diagnostics

/// A problem that stops a whole file. Row problems never throw: they go to quarantine.
public enum IngestError: CategorizedError, QuarantinableError, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case emptyFile(path: String)
    case undecodableHeader(path: String)
    case missingColumns(path: String, missing: [String], suggestion: String)
    case duplicateColumn(path: String, field: String, headers: [String])
    case badMapFile(path: String, reason: String)
    case unsupportedFormat(path: String, format: String)
    /// A document that stops being well-formed: the whole file is rejected (nothing from it is kept).
    case malformedXML(path: String, line: Int, column: Int, message: String)
    /// A DTD, an entity declaration or an entity reference: refused before anything is expanded or loaded.
    case unsafeXML(path: String, line: Int, column: Int, message: String)
    /// The file's bytes are not in the declared or detected encoding at all.
    case undecodableFile(path: String, encoding: String)

    public var category: ErrorCategory {
        switch self {
        case .cannotOpen, .readFailed: .io
        case .badMapFile: .usage
        default: .dataFormat
        }
    }

    /// The quarantine entry that records a file-level failure with its position, if it has one.
    public var quarantineEntry: QuarantineEntry? {
        switch self {
        case .malformedXML(let path, let line, let column, let message), .unsafeXML(let path, let line, let column, let message):
            QuarantineEntry(
                file: path, line: line, field: "", reason: .badXML, value: "",
                message: "第 \(line) 行第 \(column) 列：\(message)"
            )
        default:
            nil
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "无法打开文件 \(path)：\(reason)"
        case .readFailed(let path, let reason):
            "读取文件 \(path) 失败：\(reason)"
        case .emptyFile(let path):
            "\(path) 第 1 行：文件为空，没有表头。"
        case .undecodableHeader(let path):
            "\(path) 第 1 行：表头不是有效的 UTF-8 文本，无法识别列名。"
        case .missingColumns(let path, let missing, let suggestion):
            "\(path) 第 1 行：表头缺少必填列 \(missing.joined(separator: "、"))，整个文件未导入。\(suggestion)"
        case .duplicateColumn(let path, let field, let headers):
            "\(path) 第 1 行：列 \(headers.joined(separator: "、")) 都对应字段 \(field)，无法确定用哪一列。"
        case .badMapFile(let path, let reason):
            "列名映射文件 \(path) 有误：\(reason)"
        case .unsupportedFormat(let path, let format):
            "\(path)：不支持的文件格式 \(format)（支持 csv、jsonl、xml；可用 --format 指定）。"
        case .malformedXML(let path, let line, let column, let message):
            "\(path):\(line):\(column)：XML 格式错误，整个文件未导入：\(message)"
        case .unsafeXML(let path, let line, let column, let message):
            "\(path):\(line):\(column)：出于安全考虑拒绝该 XML 文件（不允许 DTD 和实体，未展开任何实体、未读取任何外部文件）：\(message)"
        case .undecodableFile(let path, let encoding):
            "\(path)：文件内容无法按 \(encoding) 解码。"
        }
    }
}
