public import Diagnostics

/// Every message of the lexing stage, in one place, with stable codes (documented in
/// docs/rule-language.md). The lexer records these; it never writes prose of its own.
public enum LexerMessage {
    /// E001: a character that belongs to no token.
    public static func unexpectedCharacter(_ character: Character, at location: SourceLocation) -> Diagnostic {
        Diagnostic(
            code: "E001", message: "无法识别的字符“\(character)”", location: location,
            suggestion: lookAlikes[character].map { "是否应为“\($0)”？（中文输入法下容易打出全角或形近字符）" }
                ?? "请删除该字符；说明文字请写在 # 之后（注释）或用引号括起来。"
        )
    }

    /// E002: a string whose closing quote is missing on the same line.
    public static func unterminatedString(opening: Character, closing: Character, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E002", message: "以“\(opening)”开始的文字没有结束引号", location: location, length: length,
            suggestion: "在同一行末尾补上“\(closing)”。"
        )
    }

    /// E003: something shaped like a date that is not a real calendar date.
    public static func invalidDate(_ text: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(
            code: "E003", message: "“\(text)”不是有效日期", location: location, length: text.count,
            suggestion: "日期写作 YYYY-MM-DD，例如 2026-01-01；请检查月份和当月天数。"
        )
    }

    /// E004: a number with a second decimal point or a trailing point.
    public static func malformedNumber(_ text: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(
            code: "E004", message: "“\(text)”不是有效数字", location: location, length: text.count,
            suggestion: "数字写作 80 或 0.05 这样的形式，不要有多个小数点；金额单位写在数字后面，如 100 元。"
        )
    }

    /// Characters that look like a symbol of the language (full-width forms of the symbols
    /// themselves, such as `＝`, are read as those symbols and never reported).
    static let lookAlikes: [Character: String] = [
        "！": "!=", "【": "[", "】": "]", "×": "*", "÷": "/", "、": ",", "。": "（删除）", "‘": "\"", "’": "\"",
    ]
}
