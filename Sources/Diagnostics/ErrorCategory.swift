/// What kind of failure an error is, which decides the process exit code. One table for the
/// whole tool (README.md, `mianshen --help`); every error the tool throws belongs to a class.
public enum ErrorCategory: Int32, Sendable, CaseIterable {
    /// Input rejected: bad-rate exceeded, rule or schema errors, failing rule tests.
    case inputRejected = 1
    /// Usage error (wrong flags or arguments).
    case usage = 64
    /// A data format error that stops a whole file (no header, undecodable, malformed XML).
    case dataFormat = 65
    /// The push gateway is unavailable or partly failed.
    case gatewayUnavailable = 69
    /// I/O or database error.
    case io = 74
    /// Another nightly run holds the lock.
    case locked = 75

    public var meaning: String {
        switch self {
        case .inputRejected: "输入被拒绝（坏行比例超限、规则错误、规则测试失败）"
        case .usage: "用法错误（参数不对）"
        case .dataFormat: "数据格式错误，整个文件无法读取（缺表头、无法解码、XML 不合法）"
        case .gatewayUnavailable: "推送网关不可用或部分失败"
        case .io: "读写文件或数据库出错"
        case .locked: "另一个夜间任务正在运行（锁被占用）"
        }
    }
}

/// An error that knows its category. Errors that do not conform are treated as I/O errors.
public protocol CategorizedError: Error {
    var category: ErrorCategory { get }
}
