internal import Yams

/// A YAML or decoding error of a file officials maintain, said in Chinese with the line it is
/// on: libyaml's errors carry their position; a decoding error (a missing key, a value of the
/// wrong type) carries the path of keys, which is looked up in the document for its line.
enum YAMLErrorText {
    /// The error for `file`, naming the line when known.
    static func schemaError(_ error: any Error, text: String, file: String) -> SchemaError {
        let (line, message) = describe(error, text: text)
        return SchemaError(file: file, line: line, message: message)
    }

    /// The line (when known) and a Chinese message for `error` thrown while decoding `text`.
    static func describe(_ error: any Error, text: String) -> (line: Int?, message: String) {
        switch error {
        case let error as YamlError: describe(error)
        // YAMLDecoder reports a syntax error as data corrupted, with libyaml's error underneath.
        case DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError:
            describe(context.underlyingError ?? error, text: text)
        case let error as DecodingError: describe(error, text: text)
        default: (nil, "YAML 格式错误：\(error)")
        }
    }

    private static func describe(_ error: YamlError) -> (line: Int?, message: String) {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            (mark.line, "第 \(mark.column) 列 YAML 格式错误（libyaml：\(problem)）。请检查该处的缩进、冒号后的空格和引号是否成对。")
        case let .duplicatedKeysInMapping(duplicates, context):
            (context.mark.line, "同一层中有重复的键 \(duplicates.joined(separator: "、"))。")
        case .reader, .dataCouldNotBeDecoded:
            (nil, "文件含有无法识别的字符（应为 UTF-8 编码的文本）。")
        default:
            (nil, "YAML 格式错误：\(error)")
        }
    }

    private static func describe(_ error: DecodingError, text: String) -> (line: Int?, message: String) {
        let path: [any CodingKey]
        let problem: String
        switch error {
        case let .keyNotFound(key, context):
            path = context.codingPath
            problem = "缺少必填项 \(key.stringValue)"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            path = context.codingPath
            problem = "\(name(of: path)) 的取值类型不对（例如应为文字、数字或列表）"
        case let .dataCorrupted(context):
            path = context.codingPath
            problem = "\(name(of: path)) 的取值无法识别"
        @unknown default:
            return (nil, "YAML 内容有误：\(error)")
        }
        return (line(of: path, in: text), problem + "。")
    }

    /// `fields[3].type` for people.
    private static func name(of path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "文件顶层" }
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }

    /// The line of the deepest node of `path` that exists in the document.
    private static func line(of path: [any CodingKey], in text: String) -> Int? {
        guard var node = try? Yams.compose(yaml: text) else { return nil }
        var line = node.mark?.line
        for key in path {
            let next: Node? = if let index = key.intValue, case .sequence(let items) = node {
                index < items.count ? items[index] : nil
            } else {
                node[key.stringValue]
            }
            guard let next else { break }
            node = next
            line = node.mark?.line ?? line
        }
        return line
    }
}
