import Datasets
import Diagnostics
import Evaluation
import MianshenTesting
import RuleLanguage
import XCTest

/// 已填/未填, 最小/最大 of several values, 本项金额, 持有有效证照 and lookup tables, evaluated
/// with Kleene logic and exact decimals, unknowns included.
final class LanguageAdditionsTests: XCTestCase {
    var evaluator: ReferenceEvaluator!
    var warnings: [Diagnostic] = []

    static let rules = """
        事实 学段补助 “按学段的补助”：按 学段 取值
          学前: 1000 元
          小学, 初中: 500 元
          高中: 2000 元
        结束
        政策 ZX-A “按学段补助”
          领域 助学
          对象 居民
          方式 直接兑现
          条件 有补助 “补助大于 0”：本项金额 > 0 元
          金额 学段补助
        结束
        政策 ZX-B “有上限的按人补助”
          领域 助学
          对象 居民
          方式 直接兑现
          条件 在读 “在读”：学段 != 无
          金额 最小(1000 元 + 计数(家庭成员, 已填(家庭成员.个人年收入)) * 100 元, 1500 元)
        结束
        政策 ZX-C “取较高者”
          领域 助学
          对象 居民
          方式 直接兑现
          条件 在读 “在读”：学段 != 无
          金额 最大(个人年收入 * 10 %, 500 元)
        结束
        政策 QY-L “证照与已填”
          领域 惠企
          对象 企业
          方式 提醒
          条件 有高新 “持有有效高新证书”：持有有效证照(高新技术企业证书)
        结束
        政策 QY-F “未填”
          领域 惠企
          对象 企业
          方式 提醒
          条件 未升规 “没有首次升规年份”：未填(首次升规年份)
          条件 证照都有到期日 “每张证照都填了有效期至”：所有(已填(证照.有效期至))
        结束
        政策 QY-H “按行业”
          领域 惠企
          对象 企业
          方式 直接兑现
          条件 有人 “有从业人员”：从业人数 > 0 人
          金额 按 行业代码 取值
            F: 1 元
            F52: 2 元
            C: 3 元
          结束
        结束
        """

    override func setUpWithError() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let output = RuleCompiler.compile([SourceFile(name: "a.policy", text: Self.rules)], schemas: schemas)
        XCTAssertEqual(output.diagnostics.filter { $0.severity == .error }, [])
        warnings = output.diagnostics.filter { $0.severity == .warning }
        evaluator = ReferenceEvaluator(program: try XCTUnwrap(output.program))
    }

    let asOf = Day.parse("2026-06-01")!

    func evaluate(_ policy: String, _ entity: EntityFacts) throws -> PolicyEvaluation {
        try XCTUnwrap(evaluator.evaluate(policy: policy, for: entity, asOf: asOf))
    }

    func pupil(_ stage: String?, income: Int64? = nil, members: [Int64?] = []) -> EntityFacts {
        var fields: [String: FieldValue] = [:]
        fields["school_stage"] = stage.map(FieldValue.text)
        fields["annual_income_yuan"] = income.map(FieldValue.decimal)
        let related = members.map { income -> [String: FieldValue] in
            income.map { ["annual_income_yuan": .decimal($0)] } ?? [:]
        }
        return EntityFacts(fields: fields, related: [.residents: related])
    }

    func testALookupTableChoosesTheRowOfTheKeyAndAnUnlistedValueIsUnknown() throws {
        XCTAssertEqual(try evaluate("ZX-A", pupil("学前")).amount, "1000.00")
        XCTAssertEqual(try evaluate("ZX-A", pupil("初中")).amount, "500.00", "a row with two keys")
        XCTAssertEqual(try evaluate("ZX-A", pupil("高中")).amount, "2000.00")
        let unlisted = try evaluate("ZX-A", pupil("中职"))
        XCTAssertEqual(unlisted.outcome, .unknown, "中职 is not in the table and there is no 其他")
        XCTAssertEqual(try evaluate("ZX-A", pupil(nil)).outcome, .unknown, "the key itself unknown")
        XCTAssertTrue(warnings.contains { $0.code == "W203" && $0.message.contains("中职") }, "\(warnings.map(\.message))")
    }

    func testTheOwnAmountInAConditionIsTheAmountAndUnknownWhenItIs() throws {
        let eligible = try evaluate("ZX-A", pupil("小学"))
        XCTAssertEqual(eligible.conditions.first { $0.name == "有补助" }?.value, .yes)
        let unknown = try evaluate("ZX-A", pupil("本科"))
        XCTAssertEqual(unknown.conditions.first { $0.name == "有补助" }?.value, .unknown)
        XCTAssertEqual(
            unknown.conditions.first { $0.name == "有补助" }?.inputs.map(\.field), ["school_stage"],
            "本项金额 reads what the amount reads"
        )
    }

    func testSmallestOfScalarsCapsAnAmountAndAPresenceTestIsAlwaysKnown() throws {
        XCTAssertEqual(try evaluate("ZX-B", pupil("小学", members: [100, nil, 300])).amount, "1200.00", "两人已填，一人未填")
        XCTAssertEqual(try evaluate("ZX-B", pupil("小学", members: Array(repeating: 1, count: 7))).amount, "1500.00", "capped")
        XCTAssertEqual(try evaluate("ZX-B", pupil("小学", members: [nil, nil])).amount, "1000.00", "未填 is 否, never unknown")
    }

    func testLargestOfScalarsIsUnknownWhenAnOperandIs() throws {
        XCTAssertEqual(try evaluate("ZX-C", pupil("小学", income: 1_000_000)).amount, "1000.00", "10 % of 10000.00 元")
        XCTAssertEqual(try evaluate("ZX-C", pupil("小学", income: 100_000)).amount, "500.00")
        XCTAssertEqual(try evaluate("ZX-C", pupil("小学")).outcome, .unknown, "最大(未知, 500 元) could be either")
    }

    func firm(licences: [[String: FieldValue]], firstYear: Int64? = nil) -> EntityFacts {
        EntityFacts(fields: firstYear.map { ["first_above_scale_year": .integer($0)] } ?? [:], related: [.licences: licences])
    }

    func licence(_ type: String = "高新技术企业证书", issued: String?, expires: String?) -> [String: FieldValue] {
        var record: [String: FieldValue] = ["license_type": .text(type)]
        record["issue_date"] = issued.flatMap(Day.parse).map(FieldValue.date)
        record["expiry_date"] = expires.flatMap(Day.parse).map(FieldValue.date)
        return record
    }

    func testAValidLicenceNeedsItsTypeAndTheEvaluationDateBetweenIssueAndExpiry() throws {
        func held(_ licences: [[String: FieldValue]]) throws -> Truth? {
            try evaluate("QY-L", firm(licences: licences)).conditions.first?.value
        }
        XCTAssertEqual(try held([licence(issued: "2024-01-01", expires: "2026-06-01")]), .yes, "expiry day itself")
        XCTAssertEqual(try held([licence(issued: "2026-06-01", expires: "2029-05-31")]), .yes, "issue day itself")
        XCTAssertEqual(try held([licence(issued: "2026-06-02", expires: "2029-06-01")]), .no, "issued after 评估日")
        XCTAssertEqual(try held([licence(issued: "2020-01-01", expires: "2026-05-31")]), .no, "expired")
        XCTAssertEqual(try held([licence("营业执照", issued: "2020-01-01", expires: "9999-12-31")]), .no, "another type")
        XCTAssertEqual(try held([]), .no, "no licence")
        XCTAssertEqual(try held([licence(issued: nil, expires: "2027-01-01")]), .unknown, "issue date unknown")
        XCTAssertEqual(try held([licence(issued: "2024-01-01", expires: nil)]), .unknown, "expiry unknown")
        XCTAssertEqual(
            try held([licence(issued: nil, expires: "2027-01-01"), licence(issued: "2024-01-01", expires: "2027-01-01")]), .yes,
            "an unknown licence does not matter beside a certainly valid one"
        )
        XCTAssertEqual(
            try held([licence(issued: nil, expires: "2026-01-01"), licence(issued: "2024-01-01", expires: "2025-01-01")]), .no,
            "certainly expired even with the issue date unknown"
        )
    }

    func testPresenceOnOwnAndRelatedFieldsIsNeverUnknown() throws {
        let values = { (entity: EntityFacts) in try self.evaluate("QY-F", entity).conditions.map(\.value) }
        XCTAssertEqual(try values(firm(licences: [licence(issued: "2024-01-01", expires: "2027-01-01")])), [.yes, .yes])
        XCTAssertEqual(try values(firm(licences: [licence(issued: "2024-01-01", expires: nil)], firstYear: 2020)), [.no, .no])
    }

    func testCodesMatchTheLongestKeyTheyStartWith() throws {
        func amount(_ code: String) throws -> PolicyEvaluation {
            try evaluate("QY-H", EntityFacts(fields: ["industry": .text(code), "employees": .integer(5)]))
        }
        XCTAssertEqual(try amount("F52").amount, "2.00")
        XCTAssertEqual(try amount("F51").amount, "1.00")
        XCTAssertEqual(try amount("C39").amount, "3.00")
        XCTAssertEqual(try amount("G54").outcome, .unknown, "a code no key starts: unknown")
        let unknown = try amount("G54").conditions.first { $0.name == PolicyEvaluation.amountCondition }
        XCTAssertEqual(unknown?.inputs.map(\.field), ["industry"], "the explanation shows what the amount read")
        XCTAssertEqual(unknown?.inputs.map(\.value), ["G54"])
    }
}
