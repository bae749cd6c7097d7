import Datasets
import Diagnostics
import RuleLanguage
import XCTest

/// A line break inside brackets continues the expression; positions stay those of the file.
final class LineContinuationTests: XCTestCase {
    func parse(_ source: SourceFile) -> (RuleFile, [Diagnostic]) {
        var parser = Parser(source: source)
        let file = parser.parse()
        return (file, parser.diagnostics.sorted)
    }

    func testAFactMaySpanLinesInsideParentheses() throws {
        let (file, diagnostics) = parse(SourceFile(name: "m.policy", text: """
            事实 小型 “小型企业”：(
                行业代码 属于 (B, C,
                               D)   # 工业
                且 (从业人数 < 300 人
                    或 营业收入 < 2000 万元)
              )
            条件 下一行：小型 = 是
            """))
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(file.declarations.count, 2)
        guard case .fact(let fact) = file.declarations[0], case .binary(.and, let industry, let size) = fact.expression.kind,
              case .membership(_, let codes) = industry.kind, case .binary(.or, _, _) = size.kind else {
            return XCTFail("one fact over five lines expected")
        }
        XCTAssertEqual(codes.count, 3)
    }

    func testTokensKeepTheirLinesAndColumns() {
        var lexer = Lexer(source: SourceFile(name: "t.policy", text: "事实 甲：(1 +\n  2)\n条件 乙：甲 > 0"))
        let tokens = lexer.tokenize()
        XCTAssertEqual(tokens.map(\.kind), [
            .word("事实"), .word("甲"), .symbol(.colon), .symbol(.leftParen), .number("1"), .symbol(.plus),
            .number("2"), .symbol(.rightParen), .newline, .word("条件"), .word("乙"), .symbol(.colon), .word("甲"),
            .symbol(.greater), .number("0"), .newline, .endOfFile,
        ])
        let two = lexer.source.location(of: tokens[6].range.lowerBound)
        XCTAssertEqual([two.line, two.column], [2, 3])
    }

    func testAMistakeOnAContinuationLineIsReportedOnThatLine() {
        let marked = MarkedSource("""
            事实 甲：(从业人数 +
                1️⃣且 1)
            """)
        let (_, diagnostics) = parse(marked.source)
        XCTAssertEqual(diagnostics.map(\.code), ["E105"])
        XCTAssertEqual(diagnostics.first?.location, marked.location(1))
        XCTAssertEqual(diagnostics.first?.location.line, 2)
    }

    func testAnUnclosedBracketEndsBeforeTheNextStatement() {
        let marked = MarkedSource("""
            政策 QY-1 “示例”
              条件 甲：(从业人数 > 1 人1️⃣
              条件 乙：从业人数 < 300 人
            结束
            """)
        let (file, diagnostics) = parse(marked.source)
        XCTAssertEqual(diagnostics.map(\.code), ["E101"])
        XCTAssertEqual(diagnostics.first?.location, marked.location(1))
        XCTAssertEqual(diagnostics.first?.message, "此处应为右括号，实际为行尾")
        guard case .policy(let policy)? = file.declarations.first else { return XCTFail("the policy is still read") }
        XCTAssertEqual(policy.lines.count, 1, "条件 乙 is read on its own line")
    }
}
