import Datasets
import Diagnostics
import Evaluation
import MianshenTesting
import RuleLanguage
import XCTest

/// Values of `若 … 则 … 否则 …`, percentages of quantities and amounts in 万元, unknowns included.
final class ConditionalAndUnitsTests: XCTestCase {
    var evaluator: ReferenceEvaluator!

    static let rules = """
        事实 大型企业：从业人数 >= 300 人
        事实 返还比例 “按企业规模的返还比例”：(若 大型企业
                                              则 30 %
                                              否则 60 %)
        政策 QY-WG “稳岗返还”
          领域 惠企
          对象 企业
          方式 直接兑现
          条件 已缴 “已缴失业保险”：失业保险缴费 > 0 万元
          金额 失业保险缴费 * 返还比例 上限 50 万元
        结束
        政策 QY-SG “升规奖励”
          领域 惠企
          对象 企业
          方式 直接兑现
          金额 按 营业收入 分档
            [2000, 5000) 10 万元
            [5000, 以上) 0.3 % * 营业收入
          结束
        结束
        政策 QY-KG “扩岗”
          领域 惠企
          对象 企业
          方式 直接兑现
          条件 裁员率达标：若 从业人数 <= 30 人 则 裁员率 <= 20 % 否则 裁员率 <= 5.5 %
          金额 若 大型企业 则 1000 元 否则 若 从业人数 >= 30 人 则 新招高校毕业生人数 * 1500 元 否则 3000 元
        结束
        """

    override func setUpWithError() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let output = RuleCompiler.compile([SourceFile(name: "u.policy", text: Self.rules)], schemas: schemas)
        XCTAssertEqual(output.diagnostics.filter { $0.severity == .error }, [])
        evaluator = ReferenceEvaluator(program: try XCTUnwrap(output.program))
    }

    /// An enterprise; money in 万元 and rates in % with two decimals, as imported.
    func firm(paid: Int64? = nil, revenue: Int64? = nil, employees: Int64? = nil, layoffRate: Int64? = nil, hired: Int64? = nil) -> EntityFacts {
        var fields: [String: FieldValue] = [:]
        fields["unemployment_insurance_paid_wan"] = paid.map(FieldValue.decimal)
        fields["revenue_wan"] = revenue.map(FieldValue.decimal)
        fields["employees"] = employees.map(FieldValue.integer)
        fields["layoff_rate"] = layoffRate.map(FieldValue.decimal)
        fields["new_graduates_hired"] = hired.map(FieldValue.integer)
        return EntityFacts(fields: fields)
    }

    func evaluate(_ policy: String, _ entity: EntityFacts) throws -> PolicyEvaluation {
        try XCTUnwrap(evaluator.evaluate(policy: policy, for: entity, asOf: try XCTUnwrap(Day.parse("2026-04-01"))))
    }

    func testAPercentageOfAnAmountInWanIsExactYuan() throws {
        XCTAssertEqual(try evaluate("QY-WG", firm(paid: 1250, employees: 120)).amount, "75000.00", "12.5 万元 × 60 %")
        XCTAssertEqual(try evaluate("QY-WG", firm(paid: 10000, employees: 800)).amount, "300000.00", "100 万元 × 30 %")
        XCTAssertEqual(try evaluate("QY-WG", firm(paid: 3333, employees: 5)).amount, "199980.00", "33.33 万元 × 60 %, exactly")
        XCTAssertEqual(try evaluate("QY-WG", firm(paid: 1, employees: 5)).amount, "60.00", "0.01 万元 × 60 %")
        XCTAssertEqual(try evaluate("QY-WG", firm(paid: 20000, employees: 900)).amount, "500000.00", "60 万元 capped at 50 万元")
    }

    func testAnUnknownConditionLeavesTheValueUnknown() throws {
        let unknownSize = try evaluate("QY-WG", firm(paid: 1250))
        XCTAssertEqual(unknownSize.conditions.filter { $0.name != "金额" }.map(\.value), [.yes], "the conditions hold")
        XCTAssertNil(unknownSize.amount, "but 30 % or 60 % cannot be chosen without 从业人数")
        XCTAssertEqual(unknownSize.outcome, .unknown, "so the case goes to manual review")
        let unknownInCondition = try evaluate("QY-KG", firm(layoffRate: 300))
        XCTAssertEqual(unknownInCondition.conditions.map(\.value), [.unknown])
        XCTAssertEqual(unknownInCondition.outcome, .unknown)
    }

    func testOnlyTheChosenBranchIsComputed() throws {
        // 新招高校毕业生人数 is missing: only the middle branch needs it.
        XCTAssertEqual(try evaluate("QY-KG", firm(employees: 500, layoffRate: 100)).amount, "1000.00")
        XCTAssertEqual(try evaluate("QY-KG", firm(employees: 10, layoffRate: 1500)).amount, "3000.00")
        XCTAssertNil(try evaluate("QY-KG", firm(employees: 50, layoffRate: 100)).amount)
        XCTAssertEqual(try evaluate("QY-KG", firm(employees: 50, layoffRate: 100, hired: 3)).amount, "4500.00")
    }

    func testAConditionalConditionChoosesItsTest() throws {
        XCTAssertEqual(try evaluate("QY-KG", firm(employees: 25, layoffRate: 1500)).outcome, .eligible, "15 % ≤ 20 % for 30 人 or fewer")
        XCTAssertEqual(try evaluate("QY-KG", firm(employees: 120, layoffRate: 1500)).outcome, .ineligible, "15 % > 5.5 % above 30 人")
        XCTAssertEqual(try evaluate("QY-KG", firm(employees: 120, layoffRate: 550, hired: 1)).outcome, .eligible, "5.5 % is within 5.5 %")
    }

    func testTierValuesInWan() throws {
        XCTAssertEqual(try evaluate("QY-SG", firm(revenue: 300_000)).amount, "100000.00", "10 万元")
        XCTAssertEqual(try evaluate("QY-SG", firm(revenue: 600_000)).amount, "180000.00", "0.3 % of 6000 万元")
        XCTAssertEqual(try evaluate("QY-SG", firm(revenue: 100_000)).amount, "0.00", "below every tier")
    }
}
