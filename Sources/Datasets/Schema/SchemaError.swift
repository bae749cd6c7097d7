/// A schema file under `Rules/schemas/` that cannot be used: names the file, the field and
/// what to change. Schemas are configuration an official edits, so this is a rejected input.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    /// The line the mistake is on, when known (YAML syntax and decoding errors).
    public var line: Int?

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "数据规范文件 \(file)\(line.map { ":\($0)" } ?? "") 有误：\(message)" }
}
