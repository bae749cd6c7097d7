import Datasets
import Diagnostics
import MianshenTesting
import RuleLanguage
import XCTest

/// `发放顺序 按 字段 升序|降序`: parsed as a policy line, checked (a field of the subject that can be
/// ordered; 升序 or 降序), compiled, and part of what reviewers approve only where it is written.
final class GrantOrderTests: XCTestCase {
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    func compile(_ order: String?, subject: String = "居民") -> RuleCompiler.Output {
        let text = """
            政策 T-1 “示例”
              领域 养老
              依据 “《示例办法》第一条”
              对象 \(subject)
              方式 直接兑现
              预算 1000 元
            \(order.map { "  " + $0 } ?? "")
              条件 甲：已填(\(subject == "企业" ? "成立日期" : "出生日期"))
              金额 100 元
            结束
            """
        return RuleCompiler.compile([SourceFile(name: "t.policy", text: text)], schemas: schemas)
    }

    func testOrderByADateOrNumberCompilesWithItsDirection() throws {
        let oldest = try XCTUnwrap(compile("发放顺序 按 出生日期 升序").program?.policy("T-1"))
        XCTAssertEqual(oldest.grantOrder, GrantOrder(field: "birth_date", label: "出生日期", descending: false))
        let income = try XCTUnwrap(compile("发放顺序 按 个人年收入 降序").program?.policy("T-1"))
        XCTAssertEqual(income.grantOrder?.field, "annual_income_yuan")
        XCTAssertEqual(income.grantOrder?.descending, true)
        let english = try XCTUnwrap(compile("grant_order by 出生日期 升序").program?.policy("T-1"))
        XCTAssertEqual(english.grantOrder?.field, "birth_date")
        XCTAssertNil(try XCTUnwrap(compile(nil).program?.policy("T-1")).grantOrder, "absent: by entity id")
    }

    func testFieldMustExistForTheSubjectAndBeOrderable() {
        let text = compile("发放顺序 按 户口性质 升序")
        XCTAssertEqual(text.diagnostics.map(\.code), ["E216"], "text has no order")
        XCTAssertEqual(text.diagnostics.first?.message, "发放顺序不能按“户口性质”排序：只能按日期或数值字段排序")
        XCTAssertEqual(compile("发放顺序 按 出生年月 升序").diagnostics.map(\.code), ["E201"], "no such field")
        XCTAssertEqual(compile("发放顺序 按 成立日期 升序").diagnostics.map(\.code), ["E201"], "an enterprise field for a resident policy")
        XCTAssertEqual(compile("发放顺序 按 成立日期 升序", subject: "企业").diagnostics.map(\.code), [])
        XCTAssertEqual(compile("发放顺序 按 出生日期 从大到小").diagnostics.map(\.code), ["E207"], "升序 or 降序 only")
        XCTAssertEqual(compile("发放顺序 出生日期 升序").diagnostics.map(\.code), ["E101"], "按 is required")
        let twice = compile("发放顺序 按 出生日期 升序\n  发放顺序 按 出生日期 降序")
        XCTAssertEqual(twice.diagnostics.map(\.code), ["E205"])
    }

    func testCanonicalTextNamesTheOrderOnlyWhereWritten() throws {
        let with = try XCTUnwrap(compile("发放顺序 按 出生日期 升序").program)
        let without = try XCTUnwrap(compile(nil).program)
        let a = ProgramRenderer(program: with, schemas: schemas).canonicalText(of: try XCTUnwrap(with.policy("T-1")))
        let b = ProgramRenderer(program: without, schemas: schemas).canonicalText(of: try XCTUnwrap(without.policy("T-1")))
        XCTAssertTrue(a.contains("发放顺序 按 出生日期 升序"), a)
        XCTAssertFalse(b.contains("发放顺序"), "policies without it keep their text, and their approvals")
        XCTAssertEqual(a.replacingOccurrences(of: "\n发放顺序 按 出生日期 升序", with: ""), b)
    }
}
