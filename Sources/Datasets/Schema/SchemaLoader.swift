internal import Diagnostics
internal import Foundation
internal import Yams

/// Reads `Rules/schemas/{residents,enterprises,licences}.yaml` and `divisions.yaml`.
public enum SchemaLoader {
    /// Loads every schema from `directory` (normally `Rules/schemas`).
    public static func load(directory: String) throws -> SchemaSet {
        let divisions = try DivisionCatalog.load(path: directory + "/divisions.yaml")
        return SchemaSet(
            residents: try load(kind: .residents, directory: directory),
            enterprises: try load(kind: .enterprises, directory: directory),
            licences: try load(kind: .licences, directory: directory),
            divisions: divisions
        )
    }

    public static func load(kind: DatasetKind, directory: String) throws -> Schema {
        let path = directory + "/" + kind.rawValue + ".yaml"
        return try parse(try readText(path), path: path, expecting: kind)
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SchemaError(file: path, message: "找不到或无法读取该文件。请用 --rules 指定规则目录（其中应有 schemas/ 子目录）。")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SchemaError(file: path, message: "文件不是 UTF-8 编码。")
        }
        return text
    }

    /// Parses one schema's YAML text; every mistake names the field and suggests the fix.
    public static func parse(_ text: String, path: String, expecting kind: DatasetKind) throws -> Schema {
        let raw: RawSchema
        do {
            raw = try YAMLDecoder().decode(RawSchema.self, from: text)
        } catch {
            throw YAMLErrorText.schemaError(error, text: text, file: path)
        }
        guard raw.kind == kind.rawValue else {
            throw SchemaError(file: path, message: "kind 应为 \(kind.rawValue)，实际为 \(raw.kind)。")
        }
        let names = raw.fields.map(\.name)
        if let duplicate = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw SchemaError(file: path, message: "字段 \(duplicate) 定义了不止一次。")
        }
        func index(of name: String, from field: String) throws -> Int {
            guard let i = names.firstIndex(of: name) else {
                throw SchemaError(
                    file: path,
                    message: "字段 \(field) 引用了不存在的字段 \(name)" + Suggest.didYouMean(name, among: names)
                )
            }
            return i
        }
        var fields: [FieldSpec] = []
        for rawField in raw.fields {
            fields.append(try rawField.spec(path: path, index: { try index(of: $0, from: rawField.name) }))
        }
        for (i, field) in fields.enumerated() {
            var referenced = field.crossChecks.map(\.otherField) + (field.requiredWhen.map { [$0.field] } ?? [])
            if case .value(_, _, let when?) = field.empty { referenced.append(when.field) }
            if let later = referenced.first(where: { $0 >= i }) {
                throw SchemaError(
                    file: path,
                    message: "字段 \(field.name) 引用的字段 \(fields[later].name) 必须排在它前面（按字段顺序逐个校验）。"
                )
            }
            // A condition must name a value the other field can have, or it never holds.
            for condition in [field.requiredWhen, field.empty.condition].compactMap({ $0 }) {
                let other = fields[condition.field]
                guard FieldTypeParsing.literal(condition.equals, type: other.type) != nil else {
                    throw SchemaError(
                        file: path,
                        message: "字段 \(field.name) 的条件“\(other.name) = \(condition.equals)”永远不成立：“\(condition.equals)”不是\(other.label)的合法取值。"
                    )
                }
            }
        }
        let keyIndex = try index(of: raw.key, from: "key")
        guard fields[keyIndex].required else {
            throw SchemaError(file: path, message: "主键字段 \(raw.key) 必须是必填（required: true）。")
        }
        var schema = Schema(
            kind: kind, label: raw.label, keyIndex: keyIndex, fields: fields,
            inactiveLabel: raw.inactive_label ?? "已注销", sourcePath: path
        )
        schema.contentDigest = RowHasher.digest(of: text)
        return schema
    }
}
