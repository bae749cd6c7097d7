public import Datasets
public import Diagnostics
internal import Foundation
public import RuleLanguage

/// Reads every rule file under a path and compiles them once, for `rules check` and for
/// every command that needs the program (test, list, show, approve); collects the diagnostics
/// of every stage that has run: lexing, parsing, then name resolution and type checking against the
/// data schemas (all files together, so shared definitions are visible to every policy).
public enum RuleCheck {
    public struct Result: Sendable {
        public var files: [String]
        public var diagnostics: [Diagnostic]
        /// File text by name, for rendering the offending lines.
        public var sources: [String: String]
        public var compileTime: Duration = .zero
        /// The compiled program; nil when there were errors.
        public var program: Program?

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

    /// Compiles the rule files under `path`. `shared` (normally `Rules/common`) is compiled along
    /// with them when it exists, so checking one policy file sees the shared conditions and facts.
    public static func run(path: String, shared: String? = nil, schemas: SchemaSet) throws -> Result {
        var result = Result(files: [], diagnostics: [], sources: [:])
        var sources: [SourceFile] = []
        var files = try ruleFiles(under: path)
        if let shared, FileManager.default.fileExists(atPath: shared) {
            let seen = Set(files.map(canonical))
            files += try ruleFiles(under: shared).filter { !seen.contains(canonical($0)) }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw RuleCheckError.unreadable(file) }
            guard let text = String(data: data, encoding: .utf8) else { throw RuleCheckError.notUTF8(file) }
            sources.append(SourceFile(name: file, text: text))
            result.files.append(file)
            result.sources[file] = text
        }
        let started = ContinuousClock.now
        let output = RuleCompiler.compile(sources, schemas: schemas)
        result.compileTime = ContinuousClock.now - started
        result.diagnostics = output.diagnostics
        result.program = output.program
        return result
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
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
