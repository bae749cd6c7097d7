public import Diagnostics
internal import Foundation
internal import RuleLanguage

/// `rules check`: reads every rule file under a path and collects its diagnostics. Today the
/// lexing and parsing stages run; name resolution and type checking join as they are built.
public enum RuleCheck {
    public struct Result: Sendable {
        public var files: [String]
        public var diagnostics: [Diagnostic]
        /// File text by name, for rendering the offending lines.
        public var sources: [String: String]

        public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    }

    /// The rule files (`*.policy`) under `path` (a file or a directory), sorted.
    public static func ruleFiles(under path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RuleCheckError.notFound(path)
        }
        guard isDirectory.boolValue else { return [path] }
        let names = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".policy") }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }

    public static func run(path: String) throws -> Result {
        var result = Result(files: [], diagnostics: [], sources: [:])
        for file in try ruleFiles(under: path) {
            guard let data = FileManager.default.contents(atPath: file) else { throw RuleCheckError.unreadable(file) }
            guard let text = String(data: data, encoding: .utf8) else { throw RuleCheckError.notUTF8(file) }
            var parser = Parser(source: SourceFile(name: file, text: text))
            _ = parser.parse()
            result.files.append(file)
            result.sources[file] = text
            result.diagnostics += parser.diagnostics.sorted
        }
        return result
    }
}

public enum RuleCheckError: CategorizedError, CustomStringConvertible {
    case notFound(String)
    case unreadable(String)
    case notUTF8(String)

    public var category: ErrorCategory {
        switch self {
        case .notFound, .unreadable: .io
        case .notUTF8: .inputRejected
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path): "找不到规则文件或目录 \(path)"
        case .unreadable(let path): "无法读取规则文件 \(path)"
        case .notUTF8(let path): "规则文件 \(path) 不是 UTF-8 编码，请另存为 UTF-8"
        }
    }
}
