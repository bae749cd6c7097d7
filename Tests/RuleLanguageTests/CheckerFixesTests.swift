import Datasets
import Diagnostics
import MianshenTesting
import RuleLanguage
import XCTest

/// Street names, numeric 属于, 最大/最小 of dates, parameter units, repeated lines, policies
/// without conditions, unread shared definitions, bare function names, 行业代码 = C, text with > <.
final class CheckerFixesTests: XCTestCase {
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    func diagnostics(_ source: SourceFile) -> [Diagnostic] {
        var parser = Parser(source: source)
        let file = parser.parse()
        XCTAssertEqual(parser.diagnostics.sorted, [], "the snippet must parse cleanly")
        var checker = Checker(schemas: schemas)
        checker.check([file])
        return checker.diagnostics.sorted
    }

    func errors(_ source: SourceFile) -> [Diagnostic] {
        diagnostics(source).filter { $0.severity == .error }
    }

    func policy(_ lines: String, subject: String = "居民", domain: String = "养老") -> String {
        """
        政策 T-1 “示例”
          领域 \(domain)
          依据 “示例”
          对象 \(subject)
          方式 提醒
        \(lines)
        结束
        """
    }

    func testStreetsTownsAndCountiesByName() {
        let marked = MarkedSource(policy("""
              条件 甲：户籍地 属于 (淮河路街道, 马寨镇, 金水区, 郑州市, 二七区)
              条件 乙：户籍地 属于 1️⃣淮河街道
            """))
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E201"])
        XCTAssertEqual(found.first?.location, marked.location(1))
        XCTAssertEqual(found.first?.message, "不认识区划“淮河街道”")
        XCTAssertEqual(found.first?.suggestion, "您是否想写“淮河路街道”？")
    }

    func testNumbersInALaterListAreNumbersInTheSameUnit() {
        let marked = MarkedSource(policy("""
              条件 甲：残疾等级 属于 (1, 2)
              条件 乙：个人年收入 属于 (0 元, 1️⃣5 万元)
              条件 丙：残疾等级 属于 (1, 2️⃣一级)
              条件 丁：3️⃣出生日期 属于 (2020-01-01)
            """))
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E203", "E202", "E202"])
        XCTAssertEqual(found.map(\.location), (1...3).map(marked.location))
        XCTAssertEqual(found[1].message, "此处应为数字，实际为“一级”")
        XCTAssertEqual(found[2].message, "此处应为文字、取值、行政区划或数值，实际为日期")
    }

    func testLargestAndSmallestTakeNumbersOrDatesAndTotalsOnlyNumbers() {
        let marked = MarkedSource(policy("""
              条件 甲：最大(家庭成员.出生日期) >= 2020-01-01 且 最小(家庭成员.出生日期) < 评估日
              条件 乙：最大(家庭成员.个人年收入) > 0 元
              条件 丙：合计(1️⃣家庭成员.出生日期) > 2020-01-01
              条件 丁：最小(2️⃣家庭成员.学段) = “小学”
              条件 戊：3️⃣最大(家庭成员.出生日期) >= 80
            """, subject: "家庭"))
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E202", "E202", "E204"])
        XCTAssertEqual(found.map(\.location), (1...3).map(marked.location))
        XCTAssertEqual(found[0].message, "此处应为数值，实际为日期")
        XCTAssertTrue(found[1].message.hasPrefix("此处应为数值或日期，实际为取值"))
    }

    func testParameterValuesAreInTheParametersUnitOrInWanForYuan() {
        let marked = MarkedSource("""
            参数 甲 元
              自 2025-01-01 起 100 元
              自 2026-01-01 起 5 万元
            结束
            参数 乙 万元
              自 2025-01-01 起 50000 1️⃣元
            结束
            参数 丙 亩
              自 2025-01-01 起 3 2️⃣人
            结束
            参数 丁
              自 2025-01-01 起 3 3️⃣%
            结束
            """)
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E203", "E203", "E203"])
        XCTAssertEqual(found.map(\.location), (1...3).map(marked.location))
        XCTAssertEqual(found[0].message, "单位不一致：参数“乙”以万元计，此取值是元")
        XCTAssertEqual(found[2].message, "单位不一致：参数“丁”没有单位，此取值是%")
        XCTAssertEqual(found[2].suggestion, "在参数名后写上单位，例如 参数 丁 %。")
    }

    func testALineAPolicyHasOnceIsNotWrittenTwice() {
        let marked = MarkedSource("""
            政策 T-1 “示例”
              1️⃣领域 养老
              依据 “示例”
              对象 居民
              方式 提醒
              2️⃣金额 100 元
              条件 甲：是否健在 = 是
              条件 乙：是否健在 = 是
              3️⃣domain 助学
              4️⃣金额 200 元
              5️⃣依据 “另一个”
            结束
            """)
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E205", "E205", "E205"])
        XCTAssertEqual(found.map(\.location), [3, 4, 5].map(marked.location))
        XCTAssertEqual(found[0].message, "“领域”行重复：一项政策只能有一行“领域”（第一次在 \(marked.location(1))）")
        XCTAssertEqual(found[0].length, "domain".count)
        XCTAssertEqual(found[1].message, "“金额”行重复：一项政策只能有一行“金额”（第一次在 \(marked.location(2))）")
        XCTAssertTrue(found[1].suggestion?.contains("若 条件 则 甲 否则 乙") ?? false)
    }

    func testAPolicyWithoutConditionsIsWarnedAbout() {
        let marked = MarkedSource("""
            政策 1️⃣T-1 “示例”
              领域 养老
              依据 “示例”
              对象 居民
              方式 直接兑现
              有效期 2025-01-01 至 2027-12-31
              金额 100 元
            结束
            """)
        let found = diagnostics(marked.source)
        XCTAssertEqual(found.map(\.code), ["W202"])
        XCTAssertEqual(found.first?.severity, .warning)
        XCTAssertEqual(found.first?.location, marked.location(1))
        XCTAssertEqual(found.first?.message, "政策 T-1 没有任何条件：所有对象都将符合")
        XCTAssertEqual(diagnostics(SourceFile(name: "p.policy", text: policy("  条件 甲：是否健在 = 是"))), [])
    }

    func testSharedDefinitionsNoPolicyUsesAreCheckedToo() {
        let marked = MarkedSource("""
            事实 没人用：1️⃣营业收人 + 1
            条件 也没人用：2️⃣注册地 + 1
            条件 企业的：注册地 属于 二七区 且 营业收入 > 0 万元
            事实 居民的：周岁(出生日期) + 1
            条件 在表达式中用到：3️⃣周岁 >= 80
            """ + "\n" + policy("  条件 乙：在表达式中用到 且 居民的 > 60"))
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E201", "E202", "E201"])
        XCTAssertEqual(found.map(\.location), (1...3).map(marked.location))
        XCTAssertEqual(found[0].suggestion, "您是否想写“营业收入”？")
    }

    func testABareFunctionNameSuggestsTheCall() {
        let marked = MarkedSource(policy("""
              条件 甲：1️⃣周岁 >= 80
              条件 乙：2️⃣计数 >= 3 人
            """))
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E201", "E201"])
        XCTAssertEqual(found.map(\.location), (1...2).map(marked.location))
        XCTAssertEqual(found[0].message, "不认识“周岁”：周岁是函数，要带括号写出参数")
        XCTAssertEqual(found[0].suggestion, "周岁要写成函数：周岁(出生日期)")
        XCTAssertEqual(found[1].suggestion, "计数要写成函数：计数(家庭成员)")
    }

    func testAnIndustryCodeComparedWithEqualsSuggestsMembership() {
        let marked = MarkedSource(policy("""
              条件 甲：行业代码 = 1️⃣C
              条件 乙：行业代码 != 2️⃣F52
              条件 丙：行业代码 = “C39”
            """, subject: "企业", domain: "惠企"))
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E201", "E201"])
        XCTAssertEqual(found.map(\.location), (1...2).map(marked.location))
        XCTAssertEqual(found[0].message, "不认识“C”：行业代码要用“属于”按门类或大类匹配，不能用“=”")
        XCTAssertEqual(found[0].suggestion, "写成 行业代码 属于 (C)。")
        XCTAssertEqual(found[1].suggestion, "写成 非 行业代码 属于 (F52)。")
    }

    func testTextListedValuesAndYesNoHaveNoOrder() {
        let marked = MarkedSource(policy("""
              条件 甲：1️⃣户籍地 > “410103”
              条件 乙：2️⃣学段 >= 小学
              条件 丙：3️⃣是否健在 < 是
              条件 丁：户籍地 = “410103001” 且 学段 != 小学 且 出生日期 < 2020-01-01
            """))
        let found = errors(marked.source)
        XCTAssertEqual(found.map(\.code), ["E202", "E202", "E202"])
        XCTAssertEqual(found.map(\.location), (1...3).map(marked.location))
        XCTAssertEqual(found[0].message, "此处应为数值或日期，实际为行政区划")
        XCTAssertTrue(found[0].suggestion?.contains("只能用 = 或 != 比较") ?? false)
    }

    func testHintsShowTheCallForm() {
        let marked = MarkedSource(policy("  条件 甲：1️⃣个人年收入 + 1 元"))
        XCTAssertEqual(errors(marked.source).first?.suggestion, "条件要给出是或否，例如 周岁(出生日期) >= 80。")
        var parser = Parser(source: SourceFile(name: "p.policy", text: policy("  条件 甲：周岁(出生日期) >= 且")))
        _ = parser.parse()
        XCTAssertEqual(parser.diagnostics.sorted.first?.suggestion, "例如：周岁(出生日期) >= 80、户籍地 属于 二七区、年收入 / 12。")
    }

    /// A residents' shared condition used by an enterprise policy: the error sits in the shared
    /// file, and says which policy's use caused it.
    func testASharedConditionErrorNamesThePolicyThatUsesIt() {
        let common = SourceFile(name: "common.policy", text: "条件 户籍在本区 “户籍在二七区”：户籍地 属于 二七区\n")
        let firm = SourceFile(name: "firm.policy", text: policy("  条件 户籍在本区", subject: "企业", domain: "惠企"))
        var checker = Checker(schemas: schemas)
        checker.check([common, firm].map { source in
            var parser = Parser(source: source)
            return parser.parse()
        })
        let error = checker.diagnostics.sorted.first { $0.code == "E201" }
        XCTAssertEqual(error?.location.file, "common.policy")
        XCTAssertTrue(error?.message.contains("在政策 T-1（firm.policy:6:6）中引用时") ?? false, error?.message ?? "no E201")
    }
}
