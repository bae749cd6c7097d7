public import Datasets

/// A token of the rule language. Words are not split into keywords here: the parser reads
/// keywords by their spelling in context (`政策`, `条件`, `且` …), so a field or fact can be named
/// with any Chinese word that is not in a keyword position.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A word: Chinese or ASCII letters, digits, `_`; ASCII codes may contain hyphens (`YL-GLJT`).
        case word(String)
        /// A number as written (`80`, `0.05`), kept as text so amounts stay exact.
        case number(String)
        /// A date literal `YYYY-MM-DD`, already checked to be a real date.
        case date(Day)
        /// A quoted string: "…", “…” or 「…」.
        case string(String)
        case symbol(Symbol)
        /// The end of a line: statements end at line ends.
        case newline
        case endOfFile
    }

    public var kind: Kind
    /// Byte range in the source.
    public var range: Range<Int>

    public init(_ kind: Kind, _ range: Range<Int>) {
        self.kind = kind
        self.range = range
    }
}

/// Punctuation and operators. Full-width forms officials type in Chinese input mode
/// （（ ） ［ ］ ｛ ｝ ， ： ； ＝ ＞ ＜ ＋ － ＊ ／ ％, ≥ ≤ ≠, and pairs such as ＞＝ ！＝）are read as these.
public enum Symbol: String, Sendable, Hashable, CaseIterable {
    case leftParen = "("
    case rightParen = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case leftBrace = "{"
    case rightBrace = "}"
    case comma = ","
    case colon = ":"
    case semicolon = ";"
    case equal = "="
    case notEqual = "!="
    case greater = ">"
    case greaterEqual = ">="
    case less = "<"
    case lessEqual = "<="
    case plus = "+"
    case minus = "-"
    case times = "*"
    case divide = "/"
    case percent = "%"
    case dot = "."
}
