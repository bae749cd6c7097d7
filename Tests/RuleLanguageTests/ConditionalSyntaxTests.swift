import Datasets
import Diagnostics
import RuleLanguage
import XCTest

/// `若 条件 则 甲 否则 乙`: its grammar, its mistakes, and the names it must not take away.
final class ConditionalSyntaxTests: XCTestCase {
    func parse(_ source: SourceFile) -> (RuleFile, [Diagnostic]) {
        var parser = Parser(source: source)
        let file = parser.parse()
        return (file, parser.diagnostics.sorted)
    }

    /// The expression of the one fact in `text`, which must parse cleanly.
    func factExpression(_ text: String) throws -> Expr {
        let (file, diagnostics) = parse(SourceFile(name: "f.policy", text: text))
        XCTAssertEqual(diagnostics, [])
        let fact = try XCTUnwrap(file.declarations.first.flatMap { declaration -> FactDecl? in
            if case .fact(let fact) = declaration { return fact }
            return nil
        })
        return fact.expression
    }

    func testAConditionalIsAWholeExpressionAndNestsInItsElseBranch() throws {
        let expr = try factExpression("事实 返还比例：若 从业人数 >= 300 人 则 30 % 否则 若 从业人数 >= 30 人 则 60 % 否则 100 %")
        guard case .conditional(let condition, let then, let otherwise) = expr.kind,
              case .binary(.greaterEqual, _, _) = condition.kind,
              case .number("30", let unit) = then.kind, unit?.text == "%",
              case .conditional(_, _, let last) = otherwise.kind, case .number("100", _) = last.kind else {
            return XCTFail("若 … 则 30 % 否则 (若 … 则 60 % 否则 100 %) expected, got \(expr.kind)")
        }
    }

    func testInsideAnOperationItIsParenthesized() throws {
        let expr = try factExpression("事实 返还：失业保险缴费 * (若 从业人数 >= 300 人 则 30 % 否则 60 %)")
        guard case .binary(.times, _, let rhs) = expr.kind, case .conditional = rhs.kind else {
            return XCTFail("the product of a field and a conditional expected")
        }
        // Branches are whole expressions: arithmetic in a branch binds inside it.
        let sum = try factExpression("事实 甲：若 是 则 1 + 2 否则 3 * 4")
        guard case .conditional(_, let then, let otherwise) = sum.kind, case .binary(.plus, _, _) = then.kind,
              case .binary(.times, _, _) = otherwise.kind else {
            return XCTFail("branches keep their arithmetic")
        }
    }

    func testEnglishAliases() throws {
        let expr = try factExpression("fact rate: if employees >= 300 人 then 30 % else 60 %")
        guard case .conditional = expr.kind else { return XCTFail("if … then … else is the same conditional") }
    }

    func testMissingThenOrElseIsReportedWhereItBelongsWithTheForm() {
        let marked = MarkedSource("""
            事实 甲：若 从业人数 >= 300 人 1️⃣30 % 否则 60 %
            事实 乙：若 从业人数 >= 300 人 则 30 %2️⃣
            事实 丙：失业保险缴费 * 3️⃣若 从业人数 >= 300 人 则 30 % 否则 60 %
            事实 丁：若 是 则 4️⃣否则 否则 1
            """)
        let (file, diagnostics) = parse(marked.source)
        XCTAssertEqual(diagnostics.map(\.code), ["E101", "E101", "E106", "E105"])
        XCTAssertEqual(diagnostics.map(\.location), (1...4).map(marked.location))
        XCTAssertEqual(diagnostics[0].message, "此处应为“则”，实际为数字 30")
        XCTAssertEqual(diagnostics[1].message, "此处应为“否则”，实际为行尾")
        XCTAssertEqual(diagnostics[0].suggestion, ParserMessage.conditionalForm)
        XCTAssertTrue(diagnostics[0].suggestion?.contains("若 条件 则 值 否则 值") ?? false)
        XCTAssertTrue(diagnostics[2].suggestion?.contains("(若 大型企业 则 30 % 否则 60 %)") ?? false)
        XCTAssertEqual(file.declarations.count, 0, "each broken line is skipped, the others still read")
    }

    func testWordsThatContainTheKeywordsAreOrdinaryNames() throws {
        // Words run to the next space or symbol, so 否则金额 or 若干人数 is one name, never 否则 + 金额.
        let expr = try factExpression("事实 甲：若 否则金额 > 若干人数 则 则例 否则 否则金额")
        guard case .conditional(let condition, let then, let otherwise) = expr.kind,
              case .binary(.greater, let lhs, let rhs) = condition.kind,
              case .name(let a) = lhs.kind, a.text == "否则金额", case .name(let b) = rhs.kind, b.text == "若干人数",
              case .name(let c) = then.kind, c.text == "则例", case .name(let d) = otherwise.kind, d.text == "否则金额" else {
            return XCTFail("names containing 若/则/否则 expected, got \(expr.kind)")
        }
        let (file, diagnostics) = parse(SourceFile(name: "n.policy", text: "事实 否则金额：100 元\n条件 若干：否则金额 > 0 元"))
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(file.declarations.count, 2)
    }
}
