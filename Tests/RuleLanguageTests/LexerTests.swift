import Datasets
import Diagnostics
import RuleLanguage
import XCTest

final class LexerTests: XCTestCase {
    func lex(_ text: String) -> (tokens: [Token.Kind], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source: SourceFile(name: "t.policy", text: text))
        let tokens = lexer.tokenize().map(\.kind)
        return (tokens, lexer.diagnostics.sorted)
    }

    func testChineseWordsNumbersDatesStringsAndSymbols() {
        let result = lex("""
            政策 YL-GLJT “高龄津贴”
              条件 年满八十：周岁 ≥ 80 且 户籍地 属于 二七区  # 注释不产生记号
              有效期 2025-01-01 至 2027-12-31
            """)
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.tokens, [
            .word("政策"), .word("YL-GLJT"), .string("高龄津贴"), .newline,
            .word("条件"), .word("年满八十"), .symbol(.colon), .word("周岁"), .symbol(.greaterEqual), .number("80"),
            .word("且"), .word("户籍地"), .word("属于"), .word("二七区"), .newline,
            .word("有效期"), .date(Day(year: 2025, month: 1, day: 1)!), .word("至"),
            .date(Day(year: 2027, month: 12, day: 31)!), .newline, .endOfFile,
        ])
    }

    func testNumbersStayExactAndFullWidthPunctuationIsRead() {
        let result = lex("金额 = 0.05 * （人数 + 1），上限 100")
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.tokens, [
            .word("金额"), .symbol(.equal), .number("0.05"), .symbol(.times), .symbol(.leftParen), .word("人数"),
            .symbol(.plus), .number("1"), .symbol(.rightParen), .symbol(.comma), .word("上限"), .number("100"),
            .newline, .endOfFile,
        ])
    }

    func testFullWidthOperatorsAndPunctuationAreReadAsTheirSymbols() {
        let result = lex("条件 甲：（周岁 ＞＝ 80 或 周岁 ≥ 90）且 人数 ＝ 1 且 人数 ！＝ 2 且 年收入 ＜ 3 且 年收入 ≤ 4 ［5，6］ ＋ － ＊ ／ ％；｛｝ > ＝")
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.tokens, [
            .word("条件"), .word("甲"), .symbol(.colon), .symbol(.leftParen), .word("周岁"), .symbol(.greaterEqual), .number("80"),
            .word("或"), .word("周岁"), .symbol(.greaterEqual), .number("90"), .symbol(.rightParen), .word("且"),
            .word("人数"), .symbol(.equal), .number("1"), .word("且"), .word("人数"), .symbol(.notEqual), .number("2"),
            .word("且"), .word("年收入"), .symbol(.less), .number("3"), .word("且"), .word("年收入"), .symbol(.lessEqual),
            .number("4"), .symbol(.leftBracket), .number("5"), .symbol(.comma), .number("6"), .symbol(.rightBracket),
            .symbol(.plus), .symbol(.minus), .symbol(.times), .symbol(.divide), .symbol(.percent), .symbol(.semicolon),
            .symbol(.leftBrace), .symbol(.rightBrace), .symbol(.greater), .symbol(.equal), .newline, .endOfFile,
        ])
    }

    func testChineseQuotesNestAsInOfficialTitles() {
        XCTAssertEqual(lex("依据 “《关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）”").tokens, [
            .word("依据"), .string("《关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）"), .newline, .endOfFile,
        ])
    }

    func testHyphenJoinsOnlyASCIICodes() {
        XCTAssertEqual(lex("a-b 年龄-1").tokens, [
            .word("a-b"), .word("年龄"), .symbol(.minus), .number("1"), .newline, .endOfFile,
        ])
    }

    func testEveryProblemIsReportedWithPositionAndTheRestIsStillRead() {
        let marked = MarkedSource("""
            条件 甲：年收入 1️⃣× 12
            有效期 2️⃣2025-02-30 至 2026-01-01
            金额 3️⃣1.2.3 元
            依据 4️⃣“未结束的文字
            """)
        var lexer = Lexer(source: marked.source)
        let tokens = lexer.tokenize()
        let diagnostics = lexer.diagnostics.sorted
        XCTAssertEqual(diagnostics.map(\.code), ["E001", "E003", "E004", "E002"])
        XCTAssertEqual(diagnostics.map(\.location), (1...4).map(marked.location))
        XCTAssertEqual(diagnostics[0].suggestion, "是否应为“*”？（中文输入法下容易打出全角或形近字符）")
        XCTAssertEqual(diagnostics[1].message, "“2025-02-30”不是有效日期")
        XCTAssertTrue(tokens.contains { $0.kind == .date(Day(year: 2026, month: 1, day: 1)!) }, "reading went on")
    }

    func testRenderedDiagnosticPointsAtTheChineseColumn() {
        let marked = MarkedSource("条件 年收入高：年收入 1️⃣× 12 > 30000 元\n")
        var lexer = Lexer(source: marked.source)
        _ = lexer.tokenize()
        let rendered = DiagnosticRenderer(sources: ["测试.policy": marked.source.text])
            .render(lexer.diagnostics.sorted[0])
        XCTAssertEqual(rendered, """
            错误[E001]: 无法识别的字符“×”
              --> 测试.policy:1:13
              |
            1 | 条件 年收入高：年收入 × 12 > 30000 元
              |                       ^
              = 建议: 是否应为“*”？（中文输入法下容易打出全角或形近字符）

            """)
    }
}

/// A lexical error does not also produce a syntax error for the text it dropped.
final class LexicalFollowOnTests: XCTestCase {
    func testNoFollowOnSyntaxErrorOnTheLineOfALexicalError() {
        let marked = MarkedSource("""
            政策 T-1 “示例”
              领域 养老
              条件 甲：年收入 1️⃣× 12 > 30000 元
              有效期 2025-01-01 2️⃣到 2026-01-01
            结束
            """)
        var parser = Parser(source: marked.source)
        _ = parser.parse()
        let diagnostics = parser.diagnostics.sorted
        XCTAssertEqual(diagnostics.map(\.code), ["E001", "E101"], "the next line's own mistake is still reported")
        XCTAssertEqual(diagnostics.map(\.location), (1...2).map(marked.location))
    }

    func testFullWidthEqualsParsesAsEquals() {
        var parser = Parser(source: SourceFile(name: "p.policy", text: "条件 甲：周岁(出生日期) ＞＝ 80 且 残疾等级 ＝ 1 且 残疾等级 ！＝ 2\n"))
        let file = parser.parse()
        XCTAssertEqual(parser.diagnostics.sorted, [])
        XCTAssertEqual(file.declarations.count, 1)
    }
}
