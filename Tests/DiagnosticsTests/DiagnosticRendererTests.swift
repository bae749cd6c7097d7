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

    /// A 40,000-character line (20,000 nested brackets) shows a window around the caret, not the line.
    func testALongLineShowsAWindowAroundTheColumn() {
        let source = "条件 a：" + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000) + "\n"
        let diagnostic = Diagnostic(
            code: "E107", message: "表达式嵌套太深", location: SourceLocation(file: "a.policy", line: 1, column: 206), length: 1
        )
        let text = DiagnosticRenderer(sources: ["a.policy": source]).render(diagnostic)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[3], "1 | …" + String(repeating: "(", count: 80) + "…")
        XCTAssertEqual(lines[4], "  | " + String(repeating: " ", count: 41) + "^", "the caret under the 206th character")
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
