import Datasets
import Diagnostics
import Evaluation
import MianshenTesting
import RuleLanguage
import XCTest

/// Aggregates over related records with per-record conditions, the evaluation date, and days.
final class RelatedRecordsTests: XCTestCase {
    func compile(_ text: String) throws -> ReferenceEvaluator {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let output = RuleCompiler.compile([SourceFile(name: "r.policy", text: text)], schemas: schemas)
        XCTAssertEqual(output.diagnostics.filter { $0.severity == .error }.map(\.message), [])
        return ReferenceEvaluator(program: try XCTUnwrap(output.program))
    }

    func day(_ text: String) -> Day { Day.parse(text)! }

    func testChildrenUnderThreeInTheHousehold() throws {
        let evaluator = try compile("""
            政策 YY-1 “育儿补贴”
              领域 育幼
              依据 “《示例》第一条”
              对象 家庭
              方式 直接兑现
              条件 有婴幼儿：计数(家庭成员, 周岁(家庭成员.出生日期) < 3) >= 1
              金额 计数(家庭成员, 周岁(家庭成员.出生日期) < 3) * 300 元 上限 600 元
            结束
            """)
        let members: [[String: FieldValue]] = ["2024-05-01", "2025-09-01", "2023-01-01", "1990-01-01", "1992-02-02"]
            .map { ["birth_date": .date(day($0))] }
        let family = EntityFacts(fields: [:], related: [.residents: members])
        let result = try XCTUnwrap(evaluator.evaluate(policy: "YY-1", for: family, asOf: day("2026-06-01")))
        XCTAssertEqual(result.outcome, .eligible)
        XCTAssertEqual(result.amount, "600.00", "3 children under 3 × 300 capped at 600")
        let withUnknown = EntityFacts(fields: [:], related: [.residents: [["birth_date": .null], ["birth_date": .date(day("1990-01-01"))]]])
        XCTAssertEqual(evaluator.evaluate(policy: "YY-1", for: withUnknown, asOf: day("2026-06-01"))?.outcome, .unknown)
    }

    func testValidLicenceOnTheAsOfDateAndExpiryWithinDays() throws {
        let evaluator = try compile("""
            政策 QY-1 “高新奖励”
              领域 惠企
              依据 “《示例》第二条”
              对象 企业
              方式 依申请
              条件 持有效高新证书：任一(证照.证照类型 = 高新技术企业证书 且 证照.有效期至 >= 评估日)
              金额 100000 元
            结束
            政策 TX-1 “证照到期提醒”
              领域 惠企
              依据 “《示例》第三条”
              对象 企业
              方式 提醒
              条件 六十天内到期：任一(天数(评估日, 证照.有效期至) >= 0 且 天数(评估日, 证照.有效期至) <= 60)
            结束
            """)
        func licence(_ type: String, expires: String) -> [String: FieldValue] {
            ["license_type": .text(type), "expiry_date": .date(day(expires))]
        }
        let firm = EntityFacts(fields: [:], related: [.licences: [
            licence("营业执照", expires: "9999-12-31"), licence("高新技术企业证书", expires: "2026-12-31"),
        ]])
        XCTAssertEqual(evaluator.evaluate(policy: "QY-1", for: firm, asOf: day("2026-12-31"))?.outcome, .eligible, "valid on its last day")
        XCTAssertEqual(evaluator.evaluate(policy: "QY-1", for: firm, asOf: day("2027-01-01"))?.outcome, .ineligible)
        XCTAssertEqual(evaluator.evaluate(policy: "TX-1", for: firm, asOf: day("2026-11-01"))?.outcome, .eligible, "60 days before")
        XCTAssertEqual(evaluator.evaluate(policy: "TX-1", for: firm, asOf: day("2026-10-31"))?.outcome, .ineligible, "61 days before")
    }

    func testIndustryMembershipBySectionOrDivision() throws {
        let evaluator = try compile("""
            政策 QY-2 “制造业与零售业”
              领域 惠企
              依据 “《示例》第四条”
              对象 企业
              方式 提醒
              条件 行业：行业代码 属于 (C, F52)
            结束
            """)
        func outcome(_ industry: String) -> PolicyEvaluation.Outcome? {
            evaluator.evaluate(policy: "QY-2", for: EntityFacts(fields: ["industry": .text(industry)]), asOf: day("2026-01-01"))?.outcome
        }
        XCTAssertEqual(outcome("C39"), .eligible)
        XCTAssertEqual(outcome("F52"), .eligible)
        XCTAssertEqual(outcome("F51"), .ineligible)
    }
}
