import Datasets
import Diagnostics
import MianshenTesting
import RuleLanguage
import XCTest

/// The checker on conditionals, percentages and amounts in 万元.
final class UnitsCheckerTests: XCTestCase {
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    func errors(_ source: SourceFile) -> [Diagnostic] {
        var parser = Parser(source: source)
        let file = parser.parse()
        XCTAssertEqual(parser.diagnostics.sorted, [], "the snippet must parse cleanly")
        var checker = Checker(schemas: schemas)
        checker.check([file])
        return checker.diagnostics.sorted.filter { $0.severity == .error }
    }

    /// A policy on `subject` with the given lines (conditions, amount).
    func policy(_ lines: String, subject: String = "企业") -> String {
        """
        事实 大型企业：从业人数 >= 300 人
        政策 QY-1 “示例”
          领域 惠企
          依据 “示例”
          对象 \(subject)
          方式 直接兑现
        \(lines)
        结束
        """
    }

    func testAConditionalNeedsAConditionAndBranchesOfOneTypeAndUnit() {
        let marked = MarkedSource(policy("""
              条件 甲：若 1️⃣从业人数 则 是 否则 否
              条件 乙：(若 大型企业 则 100 元 否则 2️⃣5 万元) > 0 元
              条件 丙：(若 大型企业 则 100 元 否则 3️⃣成立日期) > 0 元
              条件 丁：若 大型企业 则 失信被执行 = 否 否则 是
              金额 若 大型企业 则 1000 元 否则 若 从业人数 >= 30 人 则 2000 元 否则 0
            """))
        let diagnostics = errors(marked.source)
        XCTAssertEqual(diagnostics.map(\.code), ["E202", "E203", "E202"])
        XCTAssertEqual(diagnostics.map(\.location), (1...3).map(marked.location))
        XCTAssertEqual(diagnostics[0].message, "此处应为条件（是/否），实际为数值（人）")
        XCTAssertTrue(diagnostics[0].suggestion?.contains("“若”之后要写一个条件") ?? false)
        XCTAssertEqual(diagnostics[1].message, "单位不一致：“则”之后是元，“否则”之后是万元")
        XCTAssertTrue(diagnostics[1].suggestion?.contains("1 万元 = 10000 元") ?? false)
        XCTAssertEqual(diagnostics[2].message, "此处应为与“则”之后相同类型（数值（元））的值，实际为日期")
    }

    func testAPercentageMultipliesAQuantityButNotAPercentageAndIsNoDivisor() {
        let marked = MarkedSource(policy("""
              条件 甲：失业保险缴费 * 60 % > 1 万元 且 60 % * 失业保险缴费 > 1 万元
              条件 乙：1️⃣裁员率 * 50 % < 10 %
              条件 丙：2️⃣失业保险缴费 / 60 % > 1 万元
              条件 丁：裁员率 <= 5.5 % 且 2 * 5 % >= 裁员率 且 裁员率 / 2 < 3 %
              条件 戊：3️⃣失业保险缴费 * 60 % > 1 元
              条件 己：失业保险缴费 * (若 大型企业 则 30 % 否则 60 %) >= 1 万元
            """))
        let diagnostics = errors(marked.source)
        XCTAssertEqual(diagnostics.map(\.code), ["E203", "E203", "E203"])
        XCTAssertEqual(diagnostics.map(\.location), (1...3).map(marked.location))
        XCTAssertEqual(diagnostics[0].message, "单位不一致：百分数不能与百分数相乘")
        XCTAssertEqual(diagnostics[1].message, "单位不一致：不能除以百分数")
        XCTAssertEqual(diagnostics[2].message, "单位不一致：左边是万元，右边是元", "a percentage of 万元 is in 万元")
        XCTAssertNotNil(diagnostics[0].suggestion)
        XCTAssertNotNil(diagnostics[1].suggestion)
    }

    func testAmountsMayBeInWanButNotInOtherUnits() {
        for amount in [
            "金额 失业保险缴费 * (若 大型企业 则 30 % 否则 60 %) 上限 5 万元",
            "金额 失业保险缴费 * 6000 元",
            "金额 按 营业收入 分档 上限 20 万元\n    [2000, 5000) 10 万元\n    [5000, 以上) 150000 元\n  结束",
            "金额 若 大型企业 则 营业收入 * 1 % 否则 2 万元",
        ] {
            XCTAssertEqual(errors(SourceFile(name: "a.policy", text: policy(amount))), [], amount)
        }
        for (subject, amount, unit) in [
            ("企业", "从业人数 * 1 人", "人"), ("企业", "裁员率", "%"), ("企业", "60 %", "%"),
            ("居民", "承包耕地面积", "亩"), ("居民", "周岁(出生日期)", "岁"),
        ] {
            let diagnostics = errors(SourceFile(name: "a.policy", text: policy("  金额 \(amount)", subject: subject)))
            XCTAssertEqual(diagnostics.map(\.code), ["E202"], amount)
            XCTAssertEqual(diagnostics.first?.message, "此处应为金额（元），实际为数值（\(unit)）", amount)
        }
    }

    func testYuanAndWanStillDoNotMix() {
        let marked = MarkedSource(policy("""
              条件 规上：营业收入 >= 2000 万元
              条件 甲：1️⃣营业收入 + 100 元 > 0 万元
              条件 乙：2️⃣营业收入 >= 2000 元
            """))
        let diagnostics = errors(marked.source)
        XCTAssertEqual(diagnostics.map(\.code), ["E203", "E203"])
        XCTAssertEqual(diagnostics.map(\.location), (1...2).map(marked.location))
    }
}
