internal import Diagnostics
public import Datasets
internal import Foundation

/// Which column of a file holds which schema field, resolved from the header by canonical
/// name, by the schema's Chinese aliases, or by a user's `--map` file.
public struct HeaderMap: Sendable {
    /// For each schema field, the column index, or nil when the file has no such column.
    public var columnOfField: [Int?]
    /// Header cells that match no field; they are ignored (and reported).
    public var ignoredColumns: [String]
    public var columnCount: Int

    /// Resolves `header` against `schema`. `userMap` maps a header text to a canonical field name.
    public static func resolve(
        header: [String], schema: Schema, userMap: [String: String] = [:], path: String
    ) throws -> HeaderMap {
        let names = try FieldNameResolver(schema: schema, userMap: userMap, path: path)
        var columnOfField = [Int?](repeating: nil, count: schema.fields.count)
        var headersOfField = [[String]](repeating: [], count: schema.fields.count)
        var ignored: [String] = []
        for (column, cell) in header.enumerated() {
            guard let fieldIndex = names.field(for: cell) else {
                if !FieldNameResolver.normalize(cell).isEmpty { ignored.append(cell) }
                continue
            }
            headersOfField[fieldIndex].append(cell)
            if columnOfField[fieldIndex] == nil { columnOfField[fieldIndex] = column }
        }
        if let duplicated = headersOfField.firstIndex(where: { $0.count > 1 }) {
            throw IngestError.duplicateColumn(
                path: path, field: schema.fields[duplicated].name, headers: headersOfField[duplicated]
            )
        }
        let missing = schema.fields.indices.filter { schema.fields[$0].required && columnOfField[$0] == nil }
        if !missing.isEmpty {
            let names = missing.map { "\(schema.fields[$0].name)（\(schema.fields[$0].label)）" }
            var hint = "请检查表头，或用 --map 指定列名映射文件（每行“源列名: 字段名”）。"
            if let guess = ignored.first.flatMap({ Suggest.closest(to: $0, among: schema.fields.flatMap { [$0.name, $0.label] + $0.aliases }) }) {
                hint = "表头中的“\(ignored[0])”是否应为“\(guess)”？" + hint
            }
            throw IngestError.missingColumns(path: path, missing: names, suggestion: hint)
        }
        return HeaderMap(columnOfField: columnOfField, ignoredColumns: ignored, columnCount: header.count)
    }

    /// Reads a `--map` file: one `源列名: 字段名` per line; `#` starts a comment.
    public static func loadUserMap(path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError.badMapFile(path: path, reason: "找不到或无法读取该文件")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw IngestError.badMapFile(path: path, reason: "文件不是 UTF-8 编码")
        }
        var map: [String: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let separator = trimmed.firstIndex(of: ":") ?? trimmed.firstIndex(of: "：")
            guard let separator else {
                throw IngestError.badMapFile(path: path, reason: "第 \(n + 1) 行应为“源列名: 字段名”")
            }
            let source = trimmed[..<separator].trimmingCharacters(in: .whitespaces)
            let target = trimmed[trimmed.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            guard !source.isEmpty, !target.isEmpty else {
                throw IngestError.badMapFile(path: path, reason: "第 \(n + 1) 行的源列名或字段名为空")
            }
            map[source] = target
        }
        return map
    }
}

/// Finds the schema field a column header, JSON key or XML element name stands for: the
/// canonical name, the Chinese label, an alias, or what the user's `--map` file says.
public struct FieldNameResolver: Sendable {
    private var lookup: [String: Int] = [:]

    public init(schema: Schema, userMap: [String: String] = [:], path: String) throws {
        for (i, field) in schema.fields.enumerated() {
            lookup[Self.normalize(field.name)] = i
            lookup[Self.normalize(field.label)] = i
            for alias in field.aliases { lookup[Self.normalize(alias)] = i }
        }
        for (source, target) in userMap {
            guard let i = schema.index(of: target) else {
                throw IngestError.badMapFile(
                    path: path,
                    reason: "“\(source)”映射到的字段 \(target) 不在\(schema.label)数据规范中"
                        + Suggest.didYouMean(target, among: schema.fields.map(\.name))
                )
            }
            lookup[Self.normalize(source)] = i
        }
    }

    /// The field index for a name, or nil when it matches no field.
    public func field(for name: String) -> Int? {
        lookup[Self.normalize(name)]
    }

    /// Matching ignores case, surrounding spaces and full-/half-width parentheses.
    public static func normalize(_ text: String) -> String {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        s = s.replacingOccurrences(of: "（", with: "(").replacingOccurrences(of: "）", with: ")")
        return s.replacingOccurrences(of: "\u{FEFF}", with: "")
    }
}
