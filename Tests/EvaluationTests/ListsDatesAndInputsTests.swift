import Datasets
import Diagnostics
import Evaluation
import MianshenTesting
import RuleLanguage
import XCTest

/// Streets by name, numbers in 属于, 最大/最小 of dates, parameter values in 万元, and the
/// inputs of conditions over related records.
final class ListsDatesAndInputsTests: XCTestCase {
    var evaluator: ReferenceEvaluator!

    static let rules = """
        参数 奖励标准 元
          自 2025-01-01 起 2000 元
          自 2026-01-01 起 1.5 万元
        结束
        政策 T-JD “街道”
          领域 养老
          对象 居民
          方式 提醒
          条件 街道 “户籍在淮河路街道或马寨镇”：户籍地 属于 (淮河路街道, 马寨镇)
        结束
        政策 T-CJ “残疾等级”
          领域 助残
          对象 居民
          方式 直接兑现
          条件 一二级：残疾等级 属于 (1, 2)
          金额 奖励标准
        结束
        政策 T-YE “家有幼儿”
          领域 育幼
          对象 家庭
          方式 提醒
          条件 最小的 “最年幼的成员 2023 年后出生”：最大(家庭成员.出生日期) >= 2023-01-01
          条件 最大的 “最年长的成员 1950 年后出生”：最小(家庭成员.出生日期) >= 1950-01-01
        结束
        政策 T-GX “高新证书”
          领域 惠企
          对象 企业
          方式 提醒
          条件 有效高新 “持有效高新证书”：任一(证照.证照类型 = 高新技术企业证书 且 证照.有效期至 >= 评估日)
        结束
        """

    override func setUpWithError() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let output = RuleCompiler.compile([SourceFile(name: "l.policy", text: Self.rules)], schemas: schemas)
        XCTAssertEqual(output.diagnostics.filter { $0.severity == .error }.map(\.message), [])
        evaluator = ReferenceEvaluator(program: try XCTUnwrap(output.program))
    }

    func day(_ text: String) -> Day { Day.parse(text)! }

    func evaluate(_ policy: String, _ entity: EntityFacts, on asOf: String = "2026-06-01") throws -> PolicyEvaluation {
        try XCTUnwrap(evaluator.evaluate(policy: policy, for: entity, asOf: day(asOf)))
    }

    func testAStreetByNameIsItsCodePrefix() throws {
        func outcome(_ code: String) throws -> PolicyEvaluation.Outcome {
            try evaluate("T-JD", EntityFacts(fields: ["hukou_division": .text(code)])).outcome
        }
        XCTAssertEqual(try outcome("410103001"), .eligible)
        XCTAssertEqual(try outcome("410103100"), .eligible)
        XCTAssertEqual(try outcome("410103002"), .ineligible)
        XCTAssertEqual(try outcome("410105001"), .ineligible)
    }

    func testNumbersInAListCompareExactly() throws {
        func outcome(_ level: FieldValue) throws -> PolicyEvaluation.Outcome {
            try evaluate("T-CJ", EntityFacts(fields: ["disability_level": level])).outcome
        }
        XCTAssertEqual(try outcome(.integer(1)), .eligible)
        XCTAssertEqual(try outcome(.integer(2)), .eligible)
        XCTAssertEqual(try outcome(.integer(3)), .ineligible)
        XCTAssertEqual(try outcome(.integer(0)), .ineligible)
        XCTAssertEqual(try outcome(.null), .unknown)
    }

    func testAParameterValueInWanIsYuan() throws {
        let level = EntityFacts(fields: ["disability_level": .integer(1)])
        XCTAssertEqual(try evaluate("T-CJ", level, on: "2025-06-01").amount, "2000.00")
        XCTAssertEqual(try evaluate("T-CJ", level, on: "2026-06-01").amount, "15000.00", "1.5 万元")
    }

    func testLatestAndEarliestDates() throws {
        func family(_ births: [String?]) -> EntityFacts {
            EntityFacts(fields: [:], related: [.residents: births.map { ["birth_date": $0.map { .date(day($0)) } ?? .null] }])
        }
        let young = try evaluate("T-YE", family(["1960-03-01", "1988-07-01", "2024-02-29"]))
        XCTAssertEqual(young.conditions.map(\.value), [.yes, .yes])
        let older = try evaluate("T-YE", family(["1940-03-01", "2022-12-31"]))
        XCTAssertEqual(older.conditions.map(\.value), [.no, .no])
        XCTAssertEqual(try evaluate("T-YE", family(["2024-01-01", nil])).conditions.map(\.value), [.unknown, .unknown])
        XCTAssertEqual(try evaluate("T-YE", family([])).conditions.map(\.value), [.unknown, .unknown], "no members: unknown")
    }

    func testRelatedRecordsInputsListEveryRecord() throws {
        let firm = EntityFacts(fields: [:], related: [.licences: [
            ["license_type": .text("营业执照"), "expiry_date": .date(day("9999-12-31"))],
            ["license_type": .text("高新技术企业证书"), "expiry_date": .null],
        ]])
        let result = try evaluate("T-GX", firm)
        let inputs = try XCTUnwrap(result.conditions.first).inputs
        XCTAssertEqual(inputs.map(\.field), ["证照.expiry_date", "证照.license_type"])
        XCTAssertEqual(inputs.map(\.value), ["9999-12-31、未知", "营业执照、高新技术企业证书"])
        let none = try evaluate("T-GX", EntityFacts(fields: [:], related: [.licences: []]))
        XCTAssertEqual(none.conditions.first?.inputs.map(\.value), ["无", "无"])
        // Licences never imported (no entry) are missing, shown as unknown, not as none.
        let missing = try evaluate("T-GX", EntityFacts(fields: [:]))
        XCTAssertEqual(missing.conditions.first?.inputs.map(\.value), ["", ""])
        XCTAssertEqual(missing.conditions.first?.value, .unknown)
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        XCTAssertEqual(NameTable.input("证照.expiry_date", subject: .enterprises, schemas: schemas).label, "证照.有效期至")
        XCTAssertEqual(NameTable.input("employees", subject: .enterprises, schemas: schemas).label, "从业人数")
    }

    func testOwnFieldInputsAreUnchanged() throws {
        let result = try evaluate("T-JD", EntityFacts(fields: ["hukou_division": .text("410103001")]))
        XCTAssertEqual(result.conditions.first?.inputs.map(\.field), ["hukou_division"])
        XCTAssertEqual(result.conditions.first?.inputs.map(\.value), ["410103001"])
    }
}
