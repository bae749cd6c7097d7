import Datasets
import Diagnostics
import Evaluation
import MianshenTesting
import RuleLanguage
import XCTest

final class ReferenceEvaluatorTests: XCTestCase {
    var evaluator: ReferenceEvaluator!
    var program: Program!

    let rules = """
        条件 户籍在本区 “户籍在二七区”：户籍地 属于 二七区
        事实 家庭人均年收入：合计(家庭成员.个人年收入) / 计数(家庭成员)
        参数 高龄津贴月标准_80 元
          自 2025-01-01 起 100 元
          自 2026-01-01 起 120 元
        结束

        政策 YL-GLJT “高龄津贴”
          领域 养老
          对象 居民
          方式 直接兑现
          条件 户籍在本区
          条件 健在：是否健在 = 是
          条件 年满八十 “年满 80 周岁”：周岁(出生日期) >= 80
          金额 按 周岁(出生日期) 分档 上限 250 元
            [80, 90)   高龄津贴月标准_80
            [90, 100)  200 元
            [100, 以上) 300 元
          结束
        结束

        政策 ZX-1 “助学”
          领域 助学
          对象 居民
          方式 依申请
          条件 在读：学段 属于 (高中, 中职)
          条件 困难：低保对象 = 是 或 家庭人均年收入 < 12000 元 或 非 是否健在 = 是
          金额 1000 元
        结束
        """

    override func setUpWithError() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let output = RuleCompiler.compile([SourceFile(name: "t.policy", text: rules)], schemas: schemas)
        XCTAssertEqual(output.diagnostics.filter { $0.severity == .error }, [])
        program = try XCTUnwrap(output.program)
        evaluator = ReferenceEvaluator(program: program)
    }

    func person(born: String, alive: FieldValue = .bool(true), division: String = "410103001") -> EntityFacts {
        EntityFacts(fields: [
            "birth_date": .date(Day.parse(born)!), "alive": alive, "hukou_division": .text(division),
        ])
    }

    func day(_ text: String) -> Day { Day.parse(text)! }

    func testBirthdayOnTheAsOfDateCounts() throws {
        let born = person(born: "1946-11-27")
        XCTAssertEqual(evaluator.evaluate(policy: "YL-GLJT", for: born, asOf: day("2026-11-27"))?.outcome, .eligible)
        let dayBefore = try XCTUnwrap(evaluator.evaluate(policy: "YL-GLJT", for: born, asOf: day("2026-11-26")))
        XCTAssertEqual(dayBefore.outcome, .ineligible)
        XCTAssertEqual(dayBefore.conditions.last?.value, .no)
        XCTAssertEqual(dayBefore.conditions.last?.inputs.first?.value, "1946-11-27")
    }

    func testLeapDayBirthsCompleteTheirYearOnTheFirstOfMarch() {
        func outcome(_ born: String, _ asOf: String) -> PolicyEvaluation.Outcome? {
            evaluator.evaluate(policy: "YL-GLJT", for: person(born: born), asOf: day(asOf))?.outcome
        }
        XCTAssertEqual(outcome("1944-02-29", "2024-02-28"), .ineligible, "79 the day before a leap-day birthday")
        // On 2024-02-29 they qualify, but the 80–89 parameter has no value before 2025: the
        // amount cannot be computed, so the case goes to manual review instead of paying a guess.
        let leap = evaluator.evaluate(policy: "YL-GLJT", for: person(born: "1944-02-29"), asOf: day("2024-02-29"))
        XCTAssertEqual(leap?.outcome, .unknown, "80 on it; amount unknown")
        XCTAssertEqual(leap?.amount, nil)
        XCTAssertEqual(leap?.conditions.last?.label, "计算金额所需的数据齐全")
        XCTAssertTrue(leap?.conditions.dropLast().allSatisfy { $0.value == .yes } ?? false)
        // Born 1936-02-29: 2026 has no 29 February, so the 90th year completes on 1 March.
        func amount(_ asOf: String) -> String? {
            evaluator.evaluate(policy: "YL-GLJT", for: person(born: "1936-02-29"), asOf: day(asOf))?.amount
        }
        XCTAssertEqual(amount("2026-02-28"), "120.00", "still 89")
        XCTAssertEqual(amount("2026-03-01"), "200.00", "90 from 1 March")
    }

    func testNothingOutsideTheValidityWindow() throws {
        let rules = self.rules.replacingOccurrences(of: "  方式 直接兑现\n", with: "  方式 直接兑现\n  有效期 2025-01-01 至 2026-12-31\n")
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let program = try XCTUnwrap(RuleCompiler.compile([SourceFile(name: "v.policy", text: rules)], schemas: schemas).program)
        let evaluator = ReferenceEvaluator(program: program)
        XCTAssertEqual(evaluator.evaluate(policy: "YL-GLJT", for: person(born: "1940-01-01"), asOf: day("2026-12-31"))?.outcome, .eligible)
        let after = try XCTUnwrap(evaluator.evaluate(policy: "YL-GLJT", for: person(born: "1940-01-01"), asOf: day("2027-01-01")))
        XCTAssertEqual(after.outcome, .ineligible)
        XCTAssertEqual(after.conditions.first?.value, .no)
    }

    func testTierEdgesCapAndDatedParameters() {
        func amount(_ born: String, _ asOf: String) -> String? {
            evaluator.evaluate(policy: "YL-GLJT", for: person(born: born), asOf: day(asOf))?.amount
        }
        XCTAssertEqual(amount("1945-06-01", "2025-12-31"), "100.00", "80, before the parameter changes")
        XCTAssertEqual(amount("1945-06-01", "2026-01-01"), "120.00", "the new value from its first day")
        XCTAssertEqual(amount("1936-06-01", "2026-05-31"), "120.00", "89: still the first tier")
        XCTAssertEqual(amount("1936-06-01", "2026-06-01"), "200.00", "90: the second tier starts at its lower bound")
        XCTAssertEqual(amount("1926-01-01", "2026-06-01"), "250.00", "300 capped at 250")
    }

    func testUnknownsFollowKleeneLogic() throws {
        let unknownAlive = try XCTUnwrap(evaluator.evaluate(
            policy: "YL-GLJT", for: person(born: "1940-01-01", alive: .null), asOf: day("2026-01-01")
        ))
        XCTAssertEqual(unknownAlive.outcome, .unknown, "missing data goes to review, never silently to 否")
        XCTAssertNil(unknownAlive.amount)
        // 否 (outside the district) 且 unknown = 否: the unknown cannot rescue it.
        let outside = evaluator.evaluate(
            policy: "YL-GLJT", for: person(born: "1940-01-01", alive: .null, division: "320102001"), asOf: day("2026-01-01")
        )
        XCTAssertEqual(outside?.outcome, .ineligible)
        // 或: one 是 is enough even when the others are unknown.
        var student = EntityFacts(fields: ["school_stage": .text("高中"), "dibao": .bool(true)])
        XCTAssertEqual(evaluator.evaluate(policy: "ZX-1", for: student, asOf: day("2026-01-01"))?.outcome, .eligible)
        student.fields["dibao"] = .bool(false)
        XCTAssertEqual(evaluator.evaluate(policy: "ZX-1", for: student, asOf: day("2026-01-01"))?.outcome, .unknown)
    }

    func testHouseholdAggregates() {
        let members: [[String: FieldValue]] = [
            ["annual_income_yuan": .decimal(1_500_000)], ["annual_income_yuan": .decimal(600_000)],
            ["annual_income_yuan": .decimal(0)],
        ]
        let poor = EntityFacts(fields: ["school_stage": .text("中职"), "dibao": .bool(false)], related: [.residents: members])
        let result = evaluator.evaluate(policy: "ZX-1", for: poor, asOf: day("2026-01-01"))
        XCTAssertEqual(result?.outcome, .eligible, "7000 元 per head < 12000 元")
        XCTAssertEqual(result?.amount, "1000.00")
    }

    func testSharedNodesAreComputedOnce() {
        let ageNodes = program.nodes.filter { if case .age = $0.operation { return true } else { return false } }
        XCTAssertEqual(ageNodes.count, 1, "周岁(出生日期) in a condition and in the tiers is one node")
        let alive = program.nodes.filter {
            if case .field("alive", _) = $0.operation { return true } else { return false }
        }
        XCTAssertEqual(alive.count, 1)
        XCTAssertEqual(program.policies.map(\.id), ["YL-GLJT", "ZX-1"])
    }
}
