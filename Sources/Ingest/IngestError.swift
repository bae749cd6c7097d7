public import Diagnostics

/// A problem that stops a whole file. Row problems never throw: they go to quarantine.
public enum IngestError: CategorizedError, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case emptyFile(path: String)
    case undecodableHeader(path: String)
    case missingColumns(path: String, missing: [String], suggestion: String)
    case duplicateColumn(path: String, field: String, headers: [String])
    case badMapFile(path: String, reason: String)
    case unsupportedFormat(path: String, format: String)

    public var category: ErrorCategory {
        switch self {
        case .cannotOpen, .readFailed: .io
        case .badMapFile: .usage
        default: .dataFormat
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
            "\(path)：暂不支持 \(format) 格式（目前支持 CSV）。"
        }
    }
}
