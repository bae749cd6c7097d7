internal import Datasets
internal import Diagnostics

/// `按 学段 取值 … 结束`: a lookup table, read where an expression is. Each row is one or more
/// keys (bare words or quoted text), a colon and a value; `其他:` gives the value for every key
/// not listed. Rows end at line ends (or simply where the next key begins).
extension Parser {
    /// True at `按 X 取值` (a lookup table), as opposed to `按 X 分档` (tiers of an amount line).
    func startsLookup() -> Bool {
        guard atKeyword(.by) else { return false }
        var i = p + 1
        while i < tokens.count {
            switch tokens[i].kind {
            case .newline, .endOfFile: return false
            case .word(let word) where Keyword(word: word) == .lookup: return true
            case .word(let word) where Keyword(word: word) == .tiers: return false
            default: i += 1
            }
        }
        return false
    }

    mutating func parseLookup() -> Expr? {
        let start = advance()
        guard enterNesting() else { return nil }
        defer { nesting -= 1 }
        guard let key = parseBinary(level: 0), expectKeyword(.lookup) else { return nil }
        var entries: [LookupEntry] = []
        var otherwise: Expr?
        while true {
            skipNewlines()
            if atKeyword(.end) {
                let end = advance()
                return Expr(kind: .lookup(key, entries, otherwise: otherwise), range: start.range.lowerBound..<end.range.upperBound)
            }
            if case .endOfFile = current.kind {
                report(ParserMessage.missingEnd(of: "取值表", openedAtLine: source.location(of: start.range.lowerBound).line, at: location(current)))
                return nil
            }
            if case .word(let word) = current.kind, let keyword = Keyword(word: word), Lexer.statementKeywords.contains(keyword) {
                report(ParserMessage.missingEnd(of: "取值表", openedAtLine: source.location(of: start.range.lowerBound).line, at: location(current)))
                return nil
            }
            if atKeyword(.otherwise) {
                advance()
                guard expectSymbol(.colon, "冒号（：）后接其他取值时的值"), let value = parseExpression() else { return nil }
                otherwise = value
                continue
            }
            var keys: [Name] = []
            while true {
                switch current.kind {
                case .word(let word): keys.append(Name(text: word, range: advance().range))
                case .string(let text): keys.append(Name(text: text, range: advance().range))
                default:
                    report(expectedHere("取值表的键（如 学前）、“其他”或“结束”", suggestion: ParserMessage.lookupForm))
                    return nil
                }
                guard case .symbol(.comma) = current.kind else { break }
                advance()
            }
            guard expectSymbol(.colon, "冒号（：）后接该取值对应的值"), let value = parseExpression() else { return nil }
            entries.append(LookupEntry(keys: keys, value: value))
        }
    }
}
