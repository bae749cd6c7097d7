/// A construct of the program that a dialect cannot express exactly: the script is not written
/// (never an approximation). The message is Chinese and names the construct and the dialect.
public struct SQLRefusal: Error, Sendable, CustomStringConvertible {
    public var policy: String?
    public var construct: String
    public var dialect: SQLDialect
    public var reason: String

    public var description: String {
        let owner = policy.map { "政策 \($0) 的" } ?? ""
        return "无法生成 \(dialect.label) SQL：\(owner)\(construct)\(reason)。规则 SQL 只输出与引擎完全一致的结果，不输出近似的写法。"
    }
}
