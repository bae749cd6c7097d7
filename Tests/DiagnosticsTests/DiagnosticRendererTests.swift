import Diagnostics
import XCTest

final class DiagnosticRendererTests: XCTestCase {
    func testCaretUnderChineseTextUsesDisplayWidth() {
        let source = "条件 年令 >= 80\n"
        let diagnostic = Diagnostic(
            code: "E001", message: "未知字段“年令”", location: SourceLocation(file: "a.policy", line: 1, column: 4),
            length: 2, suggestion: "您是否想写“年龄”？"
        )
        let text = DiagnosticRenderer(sources: ["a.policy": source]).render(diagnostic)
        XCTAssertEqual(text, """
            错误[E001]: 未知字段“年令”
              --> a.policy:1:4
              |
            1 | 条件 年令 >= 80
              |      ^^^^
              = 建议: 您是否想写“年龄”？

            """)
    }

    func testBagCapsAndSortsByPosition() {
        var bag = DiagnosticBag(limit: 2)
        for line in [3, 1, 2] {
            bag.add(Diagnostic(code: "E", message: "m", location: SourceLocation(file: "f", line: line)))
        }
        XCTAssertEqual(bag.sorted.map(\.location.line), [1, 3])
        XCTAssertEqual(bag.dropped, 1)
        XCTAssertTrue(bag.hasErrors)
    }
}
