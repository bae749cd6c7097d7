/// Renders a diagnostic the way compilers do:
///
/// ```
/// 错误[E001]: 未知字段“年令”
///   --> Rules/养老/高龄津贴.policy:12:9
///    |
/// 12 | 条件 年令 >= 80
///    |      ^^^^
///    = 建议: 您是否想写“年龄”？
/// ```
public struct DiagnosticRenderer: Sendable {
    /// Source text by file name, to show the offending line; a missing file shows no excerpt.
    public var sources: [String: String]

    public init(sources: [String: String] = [:]) {
        self.sources = sources
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        let location = diagnostic.location
        var out = "\(diagnostic.severity.label)[\(diagnostic.code)]: \(diagnostic.message)\n"
        let gutter = String(repeating: " ", count: String(location.line).count)
        out += "\(gutter) --> \(location)\n"
        if let text = sources[location.file], let whole = Self.line(location.line, of: text) {
            let (line, column) = Self.excerpt(whole, column: location.column)
            let prefix = String(line.prefix(max(0, column - 1)))
            let underlined = String(line.dropFirst(max(0, column - 1)).prefix(diagnostic.length))
            let pad = String(repeating: " ", count: DisplayWidth.of(prefix))
            let carets = String(repeating: "^", count: max(1, DisplayWidth.of(underlined)))
            out += "\(gutter) |\n"
            out += "\(location.line) | \(line)\n"
            out += "\(gutter) | \(pad)\(carets)\n"
        }
        if let suggestion = diagnostic.suggestion {
            out += "\(gutter) = 建议: \(suggestion)\n"
        }
        return out
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined(separator: "\n")
    }

    /// Lines longer than this many characters are shown as a window around the column.
    static let excerptLimit = 120

    /// The part of a long line worth showing — `…`, some context, the column, some more, `…` —
    /// and the column within it; a short line as it is. A 40,000-character line of brackets
    /// would otherwise fill the terminal to show one caret.
    static func excerpt(_ line: String, column: Int) -> (String, Int) {
        let characters = Array(line)
        guard characters.count > excerptLimit else { return (line, column) }
        let position = min(max(0, column - 1), characters.count)
        let start = max(0, position - 40)
        let end = min(characters.count, start + excerptLimit - 40)
        let head = start > 0 ? "…" : ""
        let tail = end < characters.count ? "…" : ""
        return (head + String(characters[start..<end]) + tail, position - start + head.count + 1)
    }

    static func line(_ number: Int, of text: String) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == number { return String(line.hasSuffix("\r") ? line.dropLast() : line) }
            current += 1
        }
        return nil
    }
}

/// Terminal display width: CJK and full-width characters take two columns, so a caret under
/// Chinese text lines up in a terminal.
public enum DisplayWidth {
    public static func of(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { $0 + width(of: $1) }
    }

    public static func width(of scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            2
        default:
            1
        }
    }

    /// Pads `text` with spaces on the right to `width` display columns.
    public static func pad(_ text: String, to width: Int) -> String {
        let w = of(text)
        return w >= width ? text : text + String(repeating: " ", count: width - w)
    }
}
