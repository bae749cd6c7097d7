internal import Datasets
public import Diagnostics

/// Reads tokens into declarations. Like the lexer it never stops at the first mistake: a bad
/// line is reported and skipped, and parsing resumes at the next line, so one run shows every
/// problem in the file.
public struct Parser {
    public let source: SourceFile
    public private(set) var diagnostics = DiagnosticBag()
    var tokens: [Token] = []
    var p = 0
    /// Lines with a lexical error: the dropped text would only cause follow-on syntax errors there.
    private var lexicalErrorLines: Set<Int> = []
    /// How deeply the expression being read is nested (brackets, 非, 负号, 若, 取值表), so that
    /// no input can exhaust the stack (see ExpressionDepth.swift).
    var nesting = 0

    public init(source: SourceFile) {
        self.source = source
    }

    /// Lexes and parses the whole file; diagnostics of both stages are in `diagnostics`.
    public mutating func parse() -> RuleFile {
        var lexer = Lexer(source: source)
        tokens = lexer.tokenize()
        for diagnostic in lexer.diagnostics.diagnostics {
            diagnostics.add(diagnostic)
            lexicalErrorLines.insert(diagnostic.location.line)
        }
        var declarations: [Declaration] = []
        while true {
            skipNewlines()
            if case .endOfFile = current.kind { break }
            guard case .word(let word) = current.kind, let keyword = Keyword(word: word),
                  [.policy, .condition, .fact, .parameter].contains(keyword) else {
                let closest = wordText(current).flatMap { Suggest.closest(to: $0, among: ["政策", "条件", "事实", "参数"]) }
                report(ParserMessage.unexpectedTopLevel(
                    found: describe(current), at: location(current), length: length(current), closest: closest
                ))
                skipLine()
                continue
            }
            switch keyword {
            case .policy: if let policy = parsePolicy() { declarations.append(.policy(policy)) }
            // A broken condition or fact was reported; the rest of its line is dropped, not reported again.
            case .condition:
                if let condition = parseCondition() { declarations.append(.condition(condition)) } else { skipLine() }
            case .fact:
                if let fact = parseFact() { declarations.append(.fact(fact)) } else { skipLine() }
            default: if let parameter = parseParameter() { declarations.append(.parameter(parameter)) }
            }
        }
        return RuleFile(source: source, declarations: declarations)
    }

    // MARK: Declarations

    private mutating func parsePolicy() -> PolicyDecl? {
        let start = advance()
        guard let id = expectWord("政策编号（如 YL-GLJT）"), let title = expectString("政策名称（用引号括起）"),
              expectNewline() else {
            skipLine()
            return nil
        }
        var lines: [PolicyLine] = []
        while true {
            skipNewlines()
            if atKeyword(.end) {
                let end = advance()
                _ = expectNewline()
                return PolicyDecl(id: id, title: title, lines: lines, range: start.range.lowerBound..<end.range.upperBound)
            }
            if case .endOfFile = current.kind {
                report(ParserMessage.missingEnd(
                    of: "政策 \(id.text)", openedAtLine: source.location(of: start.range.lowerBound).line, at: location(current)
                ))
                return PolicyDecl(id: id, title: title, lines: lines, range: start.range.lowerBound..<current.range.lowerBound)
            }
            if atKeyword(.policy) || atKeyword(.parameter) || atKeyword(.fact) {
                report(ParserMessage.missingEnd(
                    of: "政策 \(id.text)", openedAtLine: source.location(of: start.range.lowerBound).line, at: location(current)
                ))
                return PolicyDecl(id: id, title: title, lines: lines, range: start.range.lowerBound..<current.range.lowerBound)
            }
            if let line = parsePolicyLine() {
                lines.append(line)
            } else {
                skipLine()
            }
        }
    }

    private mutating func parsePolicyLine() -> PolicyLine? {
        guard let word = wordText(current), let keyword = Keyword(word: word), Keyword.policyLines.contains(keyword) else {
            let word = wordText(current) ?? describe(current)
            let closest = Suggest.closest(to: word, among: Keyword.policyLines.map(\.rawValue))
            report(ParserMessage.unknownPolicyLine(word, at: location(current), length: length(current), closest: closest))
            return nil
        }
        let line: PolicyLine?
        switch keyword {
        case .condition, .premise:
            return parsePolicyCondition(premise: keyword == .premise)
        case .amount:
            return parseAmount().map(PolicyLine.amount)
        case .domain:
            advance()
            line = expectWord("领域（惠农、助学、助医、养老、育幼、扶弱、助残、惠企）").map(PolicyLine.domain)
        case .department:
            advance()
            line = expectString("主管部门（用引号括起）").map(PolicyLine.department)
        case .basis:
            advance()
            line = expectString("政策依据：文件名、文号和条款（用引号括起）").map(PolicyLine.basis)
        case .subject:
            advance()
            line = expectWord("对象（居民、家庭或企业）").map(PolicyLine.subject)
        case .payee:
            advance()
            line = expectWord("领取人（本人、户主或监护人）").map(PolicyLine.payee)
        case .mode:
            advance()
            line = expectWord("方式（直接兑现、依申请或提醒）").map(PolicyLine.mode)
        case .validity:
            advance()
            guard let from = expectDate("开始日期"), expectKeyword(.to), let to = expectDate("结束日期") else { return nil }
            line = .validity(from: from, to: to)
        case .period:
            advance()
            line = expectWord("发放周期（月、年或一次性）").map(PolicyLine.period)
        case .budget:
            advance()
            guard let amount = expectNumber("预算金额") else { return nil }
            line = .budget(amount, unit: takeUnit())
        case .exclusive:
            advance()
            guard let group = expectWord("互斥组名"), expectKeyword(.priority), let priority = expectNumber("优先级")
            else { return nil }
            let higher = atKeyword(.higherWins)
            if higher { advance() }
            line = .exclusive(group: group, priority: priority, higherWins: higher)
        case .version:
            advance()
            line = expectNumber("版本号").map(PolicyLine.version)
        case .grantOrder:
            advance()
            guard expectKeyword(.by), let field = expectWord("排序所依据的字段（如 出生日期）"),
                  let direction = expectWord("升序或降序") else { return nil }
            line = .grantOrder(field: field, direction: direction)
        default:
            return nil
        }
        guard let line, expectNewline() else { return nil }
        return line
    }

    /// `条件 名称` (a shared condition) or `条件 名称 “标签” 依据 “…”：表达式`; `前提` in place of
    /// `条件` writes the same line and marks it as one of the policy's premises.
    private mutating func parsePolicyCondition(premise: Bool = false) -> PolicyLine? {
        let save = p
        advance()
        if case .word = current.kind, case .newline = peek(1).kind, let name = expectWord("条件名称") {
            advance()
            return .useCondition(name, premise: premise)
        }
        p = save
        guard var condition = parseCondition() else { return nil }
        condition.premise = premise
        return .condition(condition)
    }

    private mutating func parseCondition() -> ConditionDecl? {
        let start = advance()
        guard let name = expectWord("条件名称") else { return nil }
        let label = takeString()
        var basis: Literal<String>?
        if atKeyword(.basis) {
            advance()
            guard let text = expectString("条件的依据（用引号括起）") else { return nil }
            basis = text
        }
        guard expectSymbol(.colon, "冒号（：）后接条件表达式"), let expression = parseExpression(), expectNewline() else {
            return nil
        }
        return ConditionDecl(
            name: name, label: label, basis: basis, expression: expression,
            range: start.range.lowerBound..<expression.range.upperBound
        )
    }

    private mutating func parseFact() -> FactDecl? {
        let start = advance()
        guard let name = expectWord("事实名称") else { return nil }
        let label = takeString()
        guard expectSymbol(.colon, "冒号（：）后接计算式"), let expression = parseExpression(), expectNewline() else {
            return nil
        }
        return FactDecl(name: name, label: label, expression: expression, range: start.range.lowerBound..<expression.range.upperBound)
    }

    private mutating func parseParameter() -> ParameterDecl? {
        let start = advance()
        guard let name = expectWord("参数名称") else { return nil }
        let unit = takeUnit()
        guard expectNewline() else { return nil }
        var values: [(from: Literal<Day>, value: Literal<String>, unit: Name?)] = []
        while true {
            skipNewlines()
            if atKeyword(.end) {
                let end = advance()
                _ = expectNewline()
                return ParameterDecl(name: name, unit: unit, values: values, range: start.range.lowerBound..<end.range.upperBound)
            }
            guard atKeyword(.from) else {
                report(ParserMessage.missingEnd(
                    of: "参数 \(name.text)", openedAtLine: source.location(of: start.range.lowerBound).line, at: location(current)
                ))
                return ParameterDecl(name: name, unit: unit, values: values, range: start.range.lowerBound..<current.range.lowerBound)
            }
            advance()
            if let from = expectDate("生效日期"), expectKeyword(.onwards), let value = expectNumber("参数值") {
                let valueUnit = takeUnit()
                if expectNewline() {
                    values.append((from, value, valueUnit))
                    continue
                }
            }
            skipLine()
        }
    }

    /// `金额 表达式 [上限 表达式]` or `金额 按 表达式 分档 [上限 表达式]` + tiers + `结束`.
    private mutating func parseAmount() -> AmountDecl? {
        let start = advance()
        if atKeyword(.by), !startsLookup() {
            advance()
            guard let by = parseExpression(), expectKeyword(.tiers) else { return nil }
            let cap = parseCap()
            guard expectNewline() else { return nil }
            var tiers: [Tier] = []
            while true {
                skipNewlines()
                if atKeyword(.end) {
                    let end = advance()
                    _ = expectNewline()
                    return AmountDecl(body: .tiers(by: by, tiers: tiers), cap: cap, range: start.range.lowerBound..<end.range.upperBound)
                }
                guard case .symbol(let open) = current.kind, open == .leftBracket || open == .leftParen else {
                    report(ParserMessage.missingEnd(
                        of: "分档", openedAtLine: source.location(of: start.range.lowerBound).line, at: location(current)
                    ))
                    return AmountDecl(body: .tiers(by: by, tiers: tiers), cap: cap, range: start.range.lowerBound..<current.range.lowerBound)
                }
                if let tier = parseTier() { tiers.append(tier) } else { skipLine() }
            }
        }
        guard let formula = parseExpression() else { return nil }
        let cap = parseCap()
        guard expectNewline() else { return nil }
        return AmountDecl(body: .formula(formula), cap: cap, range: start.range.lowerBound..<(cap ?? formula).range.upperBound)
    }

    private mutating func parseCap() -> Expr? {
        guard atKeyword(.cap) else { return nil }
        advance()
        return parseExpression()
    }

    private mutating func parseTier() -> Tier? {
        let open = advance()
        let lowerInclusive = open.kind == .symbol(.leftBracket)
        guard let lower = expectNumber("档位下限"), expectSymbol(.comma, "逗号") else { return nil }
        var upper: Literal<String>?
        if atKeyword(.above) {
            advance()
        } else {
            guard let bound = expectNumber("档位上限或“以上”") else { return nil }
            upper = bound
        }
        guard case .symbol(let close) = current.kind, close == .rightParen || close == .rightBracket else {
            report(expectedHere("“)”或“]”（左闭右开写作 [80, 90)）"))
            return nil
        }
        advance()
        guard let value = parseExpression(), expectNewline() else { return nil }
        return Tier(
            lower: lower, lowerInclusive: lowerInclusive, upper: upper, upperInclusive: close == .rightBracket,
            value: value, range: open.range.lowerBound..<value.range.upperBound
        )
    }

    // MARK: Expressions

    /// A whole expression: `若 条件 则 甲 否则 乙` (the loosest form) or an operation.
    mutating func parseExpression() -> Expr? {
        guard enterNesting() else { return nil }
        defer { nesting -= 1 }
        let expr = atKeyword(.if) ? parseConditional() : parseBinary(level: 0)
        return nesting == 1 ? checkedDepth(expr) : expr
    }

    /// `若 条件 则 甲 否则 乙`. Both branches are whole expressions, so conditionals nest:
    /// `若 a 则 1 元 否则 若 b 则 2 元 否则 0 元`.
    private mutating func parseConditional() -> Expr? {
        let start = advance()
        guard let condition = parseBinary(level: 0), expectConditionalKeyword(.then), let then = parseExpression(),
              expectConditionalKeyword(.else), let otherwise = parseExpression() else { return nil }
        return Expr(
            kind: .conditional(condition, then: then, else: otherwise),
            range: start.range.lowerBound..<otherwise.range.upperBound
        )
    }

    private mutating func expectConditionalKeyword(_ keyword: Keyword) -> Bool {
        if atKeyword(keyword) {
            advance()
            return true
        }
        report(expectedHere("“\(keyword.rawValue)”", suggestion: ParserMessage.conditionalForm))
        return false
    }

    /// Precedence levels, loosest first: 或, 且, comparison, + -, * /.
    mutating func parseBinary(level: Int) -> Expr? {
        if level == 2 { return parseComparison() }
        if level == 5 { return parseUnary() }
        guard var lhs = parseBinary(level: level + 1) else { return nil }
        while let op = binaryOperator(at: level) {
            advance()
            guard let rhs = parseBinary(level: level + 1) else { return nil }
            lhs = Expr(kind: .binary(op, lhs, rhs), range: lhs.range.lowerBound..<rhs.range.upperBound)
        }
        return lhs
    }

    private func binaryOperator(at level: Int) -> BinaryOperator? {
        switch (level, current.kind) {
        case (0, _) where atKeyword(.or): .or
        case (1, _) where atKeyword(.and): .and
        case (3, .symbol(.plus)): .plus
        case (3, .symbol(.minus)): .minus
        case (4, .symbol(.times)): .times
        case (4, .symbol(.divide)): .divide
        default: nil
        }
    }

    private mutating func parseComparison() -> Expr? {
        if atKeyword(.not) {
            let start = advance()
            guard enterNesting() else { return nil }
            defer { nesting -= 1 }
            guard let operand = parseComparison() else { return nil }
            return Expr(kind: .not(operand), range: start.range.lowerBound..<operand.range.upperBound)
        }
        guard let lhs = parseBinary(level: 3) else { return nil }
        if atKeyword(.memberOf) {
            advance()
            guard let set = parseSet() else { return nil }
            return Expr(kind: .membership(lhs, set.items), range: lhs.range.lowerBound..<set.end)
        }
        let op: BinaryOperator? = switch current.kind {
        case .symbol(.equal): .equal
        case .symbol(.notEqual): .notEqual
        case .symbol(.greater): .greater
        case .symbol(.greaterEqual): .greaterEqual
        case .symbol(.less): .less
        case .symbol(.lessEqual): .lessEqual
        default: nil
        }
        guard let op else { return lhs }
        advance()
        guard let rhs = parseBinary(level: 3) else { return nil }
        return Expr(kind: .binary(op, lhs, rhs), range: lhs.range.lowerBound..<rhs.range.upperBound)
    }

    /// `属于 二七区` (a named set) or `属于 (学前, 小学, 初中)`.
    private mutating func parseSet() -> (items: [Expr], end: Int)? {
        guard case .symbol(let open) = current.kind, open == .leftParen || open == .leftBrace else {
            guard let single = parsePrimary() else { return nil }
            return ([single], single.range.upperBound)
        }
        advance()
        var items: [Expr] = []
        while true {
            guard let item = parsePrimary() else { return nil }
            items.append(item)
            if case .symbol(.comma) = current.kind {
                advance()
                continue
            }
            guard case .symbol(let close) = current.kind, close == .rightParen || close == .rightBrace else {
                report(expectedHere("逗号或右括号"))
                return nil
            }
            return (items, advance().range.upperBound)
        }
    }

    private mutating func parseUnary() -> Expr? {
        if case .symbol(.minus) = current.kind {
            let start = advance()
            guard enterNesting() else { return nil }
            defer { nesting -= 1 }
            guard let operand = parseUnary() else { return nil }
            return Expr(kind: .negate(operand), range: start.range.lowerBound..<operand.range.upperBound)
        }
        return parsePrimary()
    }

    private mutating func parsePrimary() -> Expr? {
        let token = current
        switch token.kind {
        case .number(let text):
            advance()
            let unit = takeUnit()
            return Expr(kind: .number(text, unit: unit), range: token.range.lowerBound..<(unit?.range.upperBound ?? token.range.upperBound))
        case .date(let day):
            advance()
            return Expr(kind: .date(day), range: token.range)
        case .string(let text):
            advance()
            return Expr(kind: .string(text), range: token.range)
        case .symbol(.leftParen):
            advance()
            guard let inner = parseExpression() else { return nil }
            guard expectSymbol(.rightParen, "右括号") else { return nil }
            return Expr(kind: inner.kind, range: token.range.lowerBound..<tokens[p - 1].range.upperBound)
        case .word(let word):
            if let keyword = Keyword(word: word), keyword == .yes || keyword == .no {
                advance()
                return Expr(kind: .bool(keyword == .yes), range: token.range)
            }
            if Keyword(word: word) == .by { return parseLookup() }
            // 若 inside an operation: the conditional is the loosest form, so it needs parentheses there.
            if Keyword(word: word) == .if {
                report(ParserMessage.conditionalNeedsParentheses(at: location(token), length: length(token)))
                return nil
            }
            // The logical words are operators everywhere, never names.
            if let keyword = Keyword(word: word), [.and, .or, .not, .memberOf, .then, .else].contains(keyword) {
                report(ParserMessage.expectedExpression(found: describe(token), at: location(token), length: length(token)))
                return nil
            }
            advance()
            let name = Name(text: word, range: token.range)
            if case .symbol(.dot) = current.kind {
                advance()
                guard let field = expectWord("字段名") else { return nil }
                return Expr(kind: .member(name, field), range: token.range.lowerBound..<field.range.upperBound)
            }
            if case .symbol(.leftParen) = current.kind {
                advance()
                var arguments: [Expr] = []
                if case .symbol(.rightParen) = current.kind {
                    let close = advance()
                    return Expr(kind: .call(name, []), range: token.range.lowerBound..<close.range.upperBound)
                }
                while true {
                    guard let argument = parseExpression() else { return nil }
                    arguments.append(argument)
                    if case .symbol(.comma) = current.kind {
                        advance()
                        continue
                    }
                    guard expectSymbol(.rightParen, "逗号或右括号") else { return nil }
                    return Expr(kind: .call(name, arguments), range: token.range.lowerBound..<tokens[p - 1].range.upperBound)
                }
            }
            return Expr(kind: .name(name), range: token.range)
        default:
            report(ParserMessage.expectedExpression(found: describe(token), at: location(token), length: length(token)))
            return nil
        }
    }

    // MARK: Tokens

    var current: Token { tokens[min(p, tokens.count - 1)] }

    func peek(_ offset: Int) -> Token { tokens[min(p + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if p < tokens.count - 1 { p += 1 }
        return token
    }

    func atKeyword(_ keyword: Keyword) -> Bool {
        if case .word(let word) = current.kind { return Keyword(word: word) == keyword }
        return false
    }

    private func wordText(_ token: Token) -> String? {
        if case .word(let word) = token.kind { return word }
        return nil
    }

    mutating func skipNewlines() {
        while case .newline = current.kind { advance() }
    }

    /// Recovery: drop the rest of the current line.
    private mutating func skipLine() {
        while true {
            switch current.kind {
            case .newline:
                advance()
                return
            case .endOfFile:
                return
            default:
                advance()
            }
        }
    }

    static let units: Set<String> = ["元", "万元", "亩", "人", "天", "月", "年", "岁", "周岁", "个"]

    private mutating func takeUnit() -> Name? {
        if case .word(let word) = current.kind, Self.units.contains(word) {
            let token = advance()
            return Name(text: word, range: token.range)
        }
        if case .symbol(.percent) = current.kind {
            let token = advance()
            return Name(text: "%", range: token.range)
        }
        return nil
    }

    private mutating func takeString() -> Literal<String>? {
        if case .string(let text) = current.kind {
            return Literal(value: text, range: advance().range)
        }
        return nil
    }

    private mutating func expectWord(_ what: String) -> Name? {
        if case .word(let word) = current.kind {
            return Name(text: word, range: advance().range)
        }
        report(expectedHere(what))
        return nil
    }

    private mutating func expectString(_ what: String) -> Literal<String>? {
        if let string = takeString() { return string }
        report(expectedHere(what, suggestion: "文字用引号括起，例如 “区民政局”。"))
        return nil
    }

    private mutating func expectNumber(_ what: String) -> Literal<String>? {
        if case .number(let text) = current.kind {
            return Literal(value: text, range: advance().range)
        }
        report(expectedHere(what))
        return nil
    }

    private mutating func expectDate(_ what: String) -> Literal<Day>? {
        if case .date(let day) = current.kind {
            return Literal(value: day, range: advance().range)
        }
        report(expectedHere("\(what)（YYYY-MM-DD）"))
        return nil
    }

    mutating func expectKeyword(_ keyword: Keyword) -> Bool {
        if atKeyword(keyword) {
            advance()
            return true
        }
        let closest = wordText(current).flatMap { Suggest.closest(to: $0, among: [keyword.rawValue]) }
        report(expectedHere("“\(keyword.rawValue)”", suggestion: closest.map { "您是否想写“\($0)”？" }))
        return false
    }

    mutating func expectSymbol(_ symbol: Symbol, _ what: String) -> Bool {
        if case .symbol(symbol) = current.kind {
            advance()
            return true
        }
        report(expectedHere(what))
        return false
    }

    private mutating func expectNewline() -> Bool {
        switch current.kind {
        case .newline:
            advance()
            return true
        case .endOfFile:
            return true
        default:
            report(expectedHere("行尾", suggestion: "一行只写一句；多余的内容请删除或移到下一行。"))
            return false
        }
    }

    func expectedHere(_ what: String, suggestion: String? = nil) -> Diagnostic {
        ParserMessage.expected(what, found: describe(current), at: location(current), length: length(current), suggestion: suggestion)
    }

    mutating func report(_ diagnostic: Diagnostic) {
        guard !lexicalErrorLines.contains(diagnostic.location.line) else { return }
        diagnostics.add(diagnostic)
    }

    func location(_ token: Token) -> SourceLocation {
        source.location(of: token.range.lowerBound)
    }

    func length(_ token: Token) -> Int {
        max(1, source.characterCount(token.range))
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .word(let word): "“\(word)”"
        case .number(let text): "数字 \(text)"
        case .date(let day): "日期 \(day)"
        case .string(let text): "文字“\(text)”"
        case .symbol(let symbol): "“\(symbol.rawValue)”"
        case .newline: "行尾"
        case .endOfFile: "文件结尾"
        }
    }
}
