/// A schema file under `Rules/schemas/` that cannot be used: names the file, the field and
/// what to change. Schemas are configuration an official edits, so this is a rejected input.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "数据规范文件 \(file) 有误：\(message)" }
}
