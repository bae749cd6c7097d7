import Datasets
import Diagnostics
import MianshenTesting
import RuleLanguage
import XCTest

/// The checker's and the parser's view of 已填/未填, 最小/最大, 本项金额, 持有有效证照, lookup tables,
/// and of input nested or chained deeper than anything should be (E107, never a crash).
final class LanguageAdditionsCheckTests: XCTestCase {
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    func compile(_ text: String) -> RuleCompiler.Output {
        RuleCompiler.compile([SourceFile(name: "t.policy", text: text)], schemas: schemas)
    }

    func policy(_ lines: String, subject: String = "居民", mode: String = "直接兑现") -> String {
        """
        政策 T-1 “示例”
          领域 养老
          依据 “《示例办法》第一条”
          对象 \(subject)
          方式 \(mode)
        \(lines)
        结束
        """
    }

    func codes(_ text: String) -> [String] {
        compile(text).diagnostics.map(\.code)
    }

    // MARK: Nesting

    func testDeepBracketsNotAndMinusAndLongChainsAreReportedNotCrashed() {
        let deepBrackets = policy("  条件 甲：" + String(repeating: "(", count: 20_000) + "周岁(出生日期) >= 80" + String(repeating: ")", count: 20_000))
        let deepNot = policy("  条件 甲：" + String(repeating: "非 ", count: 20_000) + "周岁(出生日期) >= 80")
        let deepMinus = policy("  条件 甲：" + String(repeating: "-", count: 20_000) + "周岁(出生日期) >= 80")
        let longAnd = policy("  条件 甲：" + Array(repeating: "周岁(出生日期) >= 80", count: 20_000).joined(separator: " 且 "))
        let longSum = policy("  条件 甲：" + Array(repeating: "1", count: 20_000).joined(separator: " + ") + " > 3")
        for (name, text) in [("brackets", deepBrackets), ("非", deepNot), ("负号", deepMinus), ("且", longAnd), ("+", longSum)] {
            let found = codes(text)
            XCTAssertTrue(found.contains("E107"), "\(name): \(found)")
            XCTAssertEqual(Set(found), ["E107"], "\(name): one kind of report, no follow-on noise")
        }
    }

    func testNestingAndChainsWithinTheLimitsCompile() {
        let brackets = policy("  条件 甲：" + String(repeating: "(", count: 150) + "周岁(出生日期) >= 80" + String(repeating: ")", count: 150))
        let alternatives = policy("  条件 甲：" + (0..<250).map { "周岁(出生日期) = \($0)" }.joined(separator: " 或 "))
        XCTAssertEqual(codes(brackets), [])
        let output = compile(alternatives)
        XCTAssertEqual(output.diagnostics.map(\.code), [])
        XCTAssertNotNil(output.program)
    }

    // MARK: Built-ins

    func testPresenceTakesADataFieldOnly() {
        XCTAssertEqual(codes(policy("  条件 甲：已填(个人年收入) 且 任一(未填(家庭成员.出生日期))")), [])
        let fact = "事实 年收入两倍：个人年收入 * 2\n" + policy("  条件 甲：已填(年收入两倍)")
        let diagnostics = compile(fact).diagnostics
        XCTAssertEqual(diagnostics.map(\.code), ["E202"])
        XCTAssertTrue(diagnostics.first?.message.contains("应为一个数据字段") ?? false)
    }

    func testSmallestAndLargestOfScalarsWantOneUnit() {
        XCTAssertEqual(codes(policy("  条件 甲：周岁(出生日期) > 0 岁\n  金额 最小(个人年收入 * 10 %, 3000 元, 1000 元 + 500 元)")), [])
        XCTAssertEqual(codes(policy("  条件 甲：最大(出生日期, 2020-01-01) >= 2024-01-01")), [], "dates")
        XCTAssertEqual(codes(policy("  条件 甲：最大(1000 元, 计数(家庭成员)) > 0 元")), ["E203"])
        XCTAssertEqual(codes(policy("  条件 甲：最小(1000 元, 出生日期) > 0 元")), ["E202"])
        XCTAssertEqual(codes(policy("  条件 甲：最大(家庭成员.个人年收入) > 1000 元")), [], "collections as before")
    }

    func testTheOwnAmountIsForConditionsOfAPolicyWithAnAmount() {
        XCTAssertEqual(codes(policy("  条件 甲：本项金额 > 0 元\n  金额 个人年收入 * 10 %")), [])
        XCTAssertEqual(codes(policy("  条件 甲：本项金额 > 0 元", mode: "提醒")), ["E214"])
        XCTAssertEqual(codes(policy("  条件 甲：周岁(出生日期) > 0 岁\n  金额 本项金额 + 1 元")), ["E214"])
        XCTAssertEqual(codes(policy("  条件 甲：周岁(出生日期) > 0 岁\n  金额 100 元 上限 本项金额")), ["E214"], "in the cap")
        let throughFact = "事实 翻倍：本项金额 * 2\n" + policy("  条件 甲：周岁(出生日期) > 0 岁\n  金额 翻倍")
        XCTAssertEqual(codes(throughFact), ["E214"], "through a fact")
        XCTAssertEqual(codes(policy("  条件 甲：本项金额 > 0 人\n  金额 100 元")), ["E203"], "in 元")
    }

    func testALicenceTypeOutsideTheListIsAWarning() {
        XCTAssertEqual(codes(policy("  条件 甲：持有有效证照(高新技术企业证书)", subject: "企业", mode: "提醒")), [])
        XCTAssertEqual(codes(policy("  条件 甲：持有有效证照(“高新技术企业证书”)", subject: "企业", mode: "提醒")), [])
        let output = compile(policy("  条件 甲：持有有效证照(高新证书)", subject: "企业", mode: "提醒"))
        XCTAssertEqual(output.diagnostics.map(\.code), ["W204"])
        XCTAssertNotNil(output.program, "a warning does not stop compilation")
        XCTAssertEqual(codes(policy("  条件 甲：持有有效证照(1)", subject: "企业", mode: "提醒")), ["E202"])
    }

    /// The licence types are a hand-kept list (`membership: warn`): a lookup table keyed by one
    /// outside it, or a comparison with one, is the warning W204 like 持有有效证照; a list that is
    /// all the values (学段) stays the error E207.
    func testALicenceTypeOutsideTheListIsAWarningInLookupTablesAndComparisonsToo() {
        let keyed = { (key: String) in
            self.policy("  条件 甲：任一(证照, 按 证照.证照类型 取值\n    \(key): 是\n    其他: 否\n  结束)", subject: "企业", mode: "提醒")
        }
        XCTAssertEqual(codes(keyed("高新技术企业证书")), [])
        let output = compile(keyed("高新证书"))
        XCTAssertEqual(output.diagnostics.map(\.code), ["W204"])
        XCTAssertNotNil(output.program, "a warning does not stop compilation")
        XCTAssertEqual(codes(policy("  条件 甲：任一(证照, 证照.证照类型 = 高新证书)", subject: "企业", mode: "提醒")), ["W204"])
        XCTAssertEqual(codes(policy("  条件 甲：任一(证照, 证照.证照类型 属于 (高新证书, 营业执照))", subject: "企业", mode: "提醒")), ["W204"])
        XCTAssertEqual(codes(policy("  条件 甲：学段 = 幼儿园")), ["E207"], "a complete list still rejects")
    }

    // MARK: Lookup tables

    func testALookupTableIsCheckedAgainstTheFieldsValues() {
        let table = { (rows: String) in
            self.policy("  条件 甲：学段 != 无\n  金额 按 学段 取值\n\(rows)\n  结束")
        }
        XCTAssertEqual(codes(table("    学前, 小学: 1000 元\n    其他: 0 元")), [])
        XCTAssertEqual(codes(table("    学前: 1000 元\n    学前: 500 元\n    其他: 0 元")), ["E215"])
        XCTAssertEqual(codes(table("    幼儿园: 1000 元\n    其他: 0 元")), ["E207"])
        XCTAssertEqual(codes(table("    学前: 1000 元\n    其他: 2 人")), ["E203"])
        XCTAssertEqual(codes(table("    学前: 1000 元\n    其他: 是")), ["E202"])
        XCTAssertEqual(codes(table("    学前: 1000 元")), ["W203"])
        XCTAssertEqual(
            codes(policy("  条件 甲：学段 != 无\n  金额 按 学段 取值\n    学前: 1000 元\n    其他: 0 元\n  条件 乙：是")), ["E103"],
            "a missing 结束"
        )
        XCTAssertEqual(codes(policy("  条件 甲：(按 出生日期 取值\n    学前: 是\n  结束)")), ["E202"], "dates are no keys")
        XCTAssertEqual(
            codes(policy("  条件 甲：按 与户主关系 取值\n    户主: 是\n    “其他”: 否\n    其他: 否\n  结束")), [],
            "a quoted “其他” is the value 其他; bare 其他 is the default row"
        )
        XCTAssertEqual(
            codes(policy("  条件 甲：按 与户主关系 取值\n    户主, 配偶, 子女, 父母, 孙子女: 是\n    “其他”: 否\n  结束")), [],
            "every value listed: no 其他 needed"
        )
    }

    func testALookupTableIsAnExpressionInFactsConditionsAndAmounts() throws {
        let text = """
            事实 标准 “按学段的标准”：按 学段 取值
              学前: 1000 元
              其他: 0 元
            结束
            \(policy("  条件 甲：按 学段 取值\n    学前, 小学: 是\n    其他: 否\n  结束\n  金额 标准 + 按 性别 取值\n    男: 1 元\n    女: 2 元\n  结束"))
            """
        let output = compile(text)
        let program = try XCTUnwrap(output.program, "\(output.diagnostics)")
        let renderer = ProgramRenderer(program: program, schemas: schemas)
        let compiled = try XCTUnwrap(program.policy("T-1"))
        XCTAssertEqual(renderer.render(compiled.conditions[0].node), "按 在读学段 取值（学前, 小学：是；其他：否）")
        let amount = try XCTUnwrap(compiled.amount)
        XCTAssertEqual(
            renderer.render(amount),
            "按 在读学段 取值（学前：1000；其他：0） + 按 性别 取值（男：1；女：2；未列出的：未知） 元"
        )
    }

    func testNewBuiltinsReadBackAsWritten() throws {
        let text = policy("""
              条件 甲：已填(个人年收入) 且 未填(残疾等级)
              条件 乙：本项金额 > 0 元
              金额 最小(个人年收入 * 10 %, 3000 元)
            """)
        let output = compile(text)
        let program = try XCTUnwrap(output.program, "\(output.diagnostics)")
        let renderer = ProgramRenderer(program: program, schemas: schemas)
        let compiled = try XCTUnwrap(program.policy("T-1"))
        XCTAssertEqual(renderer.render(compiled.conditions[0].node), "已填(个人年收入（元）) 且 未填(残疾等级)")
        XCTAssertEqual(renderer.render(compiled.conditions[1].node), "本项金额 > 0")
        XCTAssertEqual(renderer.render(try XCTUnwrap(compiled.amount)), "最小(个人年收入（元） * 10 %, 3000) 元")
        let licence = try XCTUnwrap(compile(policy("  条件 甲：持有有效证照(高新技术企业证书)", subject: "企业", mode: "提醒")).program)
        let licenceRenderer = ProgramRenderer(program: licence, schemas: schemas)
        XCTAssertEqual(licenceRenderer.render(try XCTUnwrap(licence.policy("T-1")).conditions[0].node), "持有有效证照(高新技术企业证书)")
    }
}
