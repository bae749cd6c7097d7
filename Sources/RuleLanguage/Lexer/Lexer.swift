internal import Datasets
public import Diagnostics

/// Splits a rule file into tokens. It never stops at a problem: it records a diagnostic,
/// skips the bad text, and goes on, so one run reports every lexical mistake in the file.
public struct Lexer {
    public let source: SourceFile
    public private(set) var diagnostics = DiagnosticBag()
    private var i = 0
    private var tokens: [Token] = []
    /// Open brackets (any of `( [ {`, closed by any of `) ] }`, as tiers write `[80, 90)`):
    /// while some are open, a line break continues the expression instead of ending the line.
    private var bracketDepth = 0

    public init(source: SourceFile) {
        self.source = source
    }

    /// All tokens, ending with `.endOfFile`; blank lines and comments (`#` to the line end) are dropped,
    /// and so are line breaks inside brackets: `(` … `)` may span lines.
    public mutating func tokenize() -> [Token] {
        let bytes = source.bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x20, 0x09, 0x0D:
                i += 1
            case 0x0A:
                if bracketDepth > 0, !lineStartsStatement(after: i) {
                    i += 1
                    continue
                }
                // Closed or not, brackets end with the line (an unclosed one is the parser's to report).
                bracketDepth = 0
                if let last = tokens.last, last.kind != .newline { tokens.append(Token(.newline, i..<(i + 1))) }
                i += 1
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                lexNumberOrDate()
            case UInt8(ascii: "\""):
                lexString(closing: "\"", openingLength: 1)
            default:
                lexOther()
            }
        }
        if let last = tokens.last, last.kind != .newline { tokens.append(Token(.newline, i..<i)) }
        tokens.append(Token(.endOfFile, i..<i))
        return tokens
    }

    // MARK: Pieces

    private mutating func lexNumberOrDate() {
        let bytes = source.bytes
        let start = i
        func digits(_ count: Int, from p: Int) -> Bool {
            p + count <= bytes.count && bytes[p..<(p + count)].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        // A date: four digits, '-', two digits, '-', two digits.
        if digits(4, from: start), start + 10 <= bytes.count, bytes[start + 4] == UInt8(ascii: "-"),
           digits(2, from: start + 5), bytes[start + 7] == UInt8(ascii: "-"), digits(2, from: start + 8),
           start + 10 == bytes.count || !isDigit(bytes[start + 10]) {
            i = start + 10
            let text = source.text(start..<i)
            if let day = Day.parse(text) {
                tokens.append(Token(.date(day), start..<i))
            } else {
                diagnostics.add(LexerMessage.invalidDate(text, at: source.location(of: start)))
            }
            return
        }
        var points = 0
        while i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") {
            if bytes[i] == UInt8(ascii: ".") { points += 1 }
            i += 1
        }
        let text = source.text(start..<i)
        if points > 1 || text.hasSuffix(".") {
            diagnostics.add(LexerMessage.malformedNumber(text, at: source.location(of: start)))
        } else {
            tokens.append(Token(.number(text), start..<i))
        }
    }

    private mutating func lexString(closing: Character, openingLength: Int) {
        let bytes = source.bytes
        let start = i
        i += openingLength
        let closingBytes = Array(String(closing).utf8)
        let openingBytes = Array(bytes[start..<i])
        // Chinese quotes nest, as in official titles: “《关于……“三项补贴”改革的通知》”.
        let nests = openingBytes != closingBytes
        var depth = 1
        let contentStart = i
        while i < bytes.count, bytes[i] != 0x0A {
            if nests, bytes[i...].starts(with: openingBytes) {
                depth += 1
                i += openingBytes.count
                continue
            }
            if bytes[i...].starts(with: closingBytes) {
                depth -= 1
                if depth == 0 {
                    tokens.append(Token(.string(source.text(contentStart..<i)), start..<(i + closingBytes.count)))
                    i += closingBytes.count
                    return
                }
                i += closingBytes.count
                continue
            }
            i += 1
        }
        let opening = source.text(start..<contentStart).first ?? "\""
        diagnostics.add(LexerMessage.unterminatedString(
            opening: opening, closing: closing, at: source.location(of: start),
            length: source.characterCount(start..<i)
        ))
    }

    private mutating func lexOther() {
        let bytes = source.bytes
        let start = i
        // Decode one character.
        let scalarLength = Self.utf8Length(bytes[i])
        let end = min(bytes.count, i + scalarLength)
        let characterText = source.text(i..<end)
        guard let scalar = characterText.unicodeScalars.first else {
            i = end
            return
        }
        switch characterText {
        case "“": return lexString(closing: "”", openingLength: end - i)
        case "「": return lexString(closing: "」", openingLength: end - i)
        default: break
        }
        if let symbol = symbol(at: start) {
            tokens.append(Token(.symbol(symbol.0), start..<(start + symbol.1)))
            switch symbol.0 {
            case .leftParen, .leftBracket, .leftBrace: bracketDepth += 1
            case .rightParen, .rightBracket, .rightBrace: bracketDepth = max(0, bracketDepth - 1)
            default: break
            }
            i = start + symbol.1
            return
        }
        if Self.isWordStart(scalar) {
            lexWord()
            return
        }
        i = end
        diagnostics.add(LexerMessage.unexpectedCharacter(Character(characterText), at: source.location(of: start)))
    }

    private mutating func lexWord() {
        let bytes = source.bytes
        let start = i
        while i < bytes.count {
            let length = Self.utf8Length(bytes[i])
            let end = min(bytes.count, i + length)
            guard let scalar = source.text(i..<end).unicodeScalars.first else { break }
            if Self.isWordStart(scalar) || scalar.properties.numericType != nil || scalar == "_" {
                i = end
                continue
            }
            // Codes such as YL-GLJT: a hyphen between two ASCII letters or digits, no spaces.
            if scalar == "-", i > start, i + 1 < bytes.count, Self.isASCIIAlphanumeric(bytes[i - 1]),
               Self.isASCIIAlphanumeric(bytes[i + 1]), source.bytes[start..<i].allSatisfy({ $0 < 0x80 }) {
                i += 1
                continue
            }
            break
        }
        tokens.append(Token(.word(source.text(start..<i)), start..<i))
    }

    /// Whether the first word after the line break at `p` begins a statement (政策, 条件, 金额,
    /// 结束 …). A bracket left open is then a mistake, not a continuation: the line ends there so the
    /// parser reports the missing bracket on its own line instead of swallowing the next ones.
    private func lineStartsStatement(after p: Int) -> Bool {
        let bytes = source.bytes
        var q = p + 1
        while q < bytes.count {
            switch bytes[q] {
            case 0x20, 0x09, 0x0D, 0x0A: q += 1
            case UInt8(ascii: "#"): while q < bytes.count, bytes[q] != 0x0A { q += 1 }
            default:
                var end = q
                while end < bytes.count {
                    let next = min(bytes.count, end + Self.utf8Length(bytes[end]))
                    guard let scalar = source.text(end..<next).unicodeScalars.first, Self.isWordStart(scalar) else { break }
                    end = next
                }
                guard end > q, let keyword = Keyword(word: source.text(q..<end)) else { return false }
                return Self.statementKeywords.contains(keyword)
            }
        }
        return true
    }

    static let statementKeywords: Set<Keyword> =
        Set(Keyword.policyLines + [.policy, .condition, .fact, .parameter, .end, .from])

    /// The symbol starting at `p`, with its byte length; full-width forms count.
    private func symbol(at p: Int) -> (Symbol, Int)? {
        let bytes = source.bytes
        let length = Self.utf8Length(bytes[p])
        let firstEnd = min(bytes.count, p + length)
        let character = source.text(p..<firstEnd)
        // Two-character operators (>=, ＞＝, ! =, …), each half in either width.
        if let second = Self.symbolCharacters[character], firstEnd < bytes.count {
            let nextEnd = min(bytes.count, firstEnd + Self.utf8Length(bytes[firstEnd]))
            if Self.symbolCharacters[source.text(firstEnd..<nextEnd)] == .equal {
                switch second {
                case .greater: return (.greaterEqual, nextEnd - p)
                case .less: return (.lessEqual, nextEnd - p)
                case .bang: return (.notEqual, nextEnd - p)
                default: break
                }
            }
        }
        guard let symbol = Self.symbolCharacters[character], let plain = Symbol(rawValue: symbol.rawValue) else { return nil }
        return (plain, length)
    }

    /// One character of a symbol, half- or full-width (`＝`, `（`, `＞` … as typed in Chinese input mode).
    /// `!` only begins `!=`.
    private enum SymbolCharacter: String {
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]", leftBrace = "{", rightBrace = "}"
        case comma = ",", colon = ":", semicolon = ";", equal = "=", notEqual = "!=", greater = ">", greaterEqual = ">="
        case less = "<", lessEqual = "<=", plus = "+", minus = "-", times = "*", divide = "/", percent = "%", dot = "."
        case bang = "!"
    }

    private static let symbolCharacters: [String: SymbolCharacter] = [
        "(": .leftParen, "（": .leftParen, ")": .rightParen, "）": .rightParen, "[": .leftBracket, "［": .leftBracket,
        "]": .rightBracket, "］": .rightBracket, "{": .leftBrace, "｛": .leftBrace, "}": .rightBrace, "｝": .rightBrace,
        ",": .comma, "，": .comma, ":": .colon, "：": .colon, ";": .semicolon, "；": .semicolon,
        "=": .equal, "＝": .equal, "≠": .notEqual, ">": .greater, "＞": .greater, "≥": .greaterEqual,
        "<": .less, "＜": .less, "≤": .lessEqual, "+": .plus, "＋": .plus, "-": .minus, "－": .minus,
        "*": .times, "＊": .times, "/": .divide, "／": .divide, "%": .percent, "％": .percent, ".": .dot,
        "!": .bang, "！": .bang,
    ]

    // MARK: Character classes

    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0..<0x80: 1
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0...: 4
        default: 1
        }
    }

    static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic && scalar.value != 0x3001 && scalar.value != 0x3002
    }

    static func isASCIIAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
