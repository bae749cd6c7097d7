import Datasets
import Diagnostics
import Evaluation
import MianshenTesting
import RuleLanguage
import XCTest

/// A 二七区 street code missing from divisions.yaml is stored as it is; `属于 二七区` decides by
/// the code's first six digits, so it still holds, while `属于 淮河路街道` does not.
final class UnlistedDivisionTests: XCTestCase {
    func testBelongsToTheDistrictByItsPrefix() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        XCTAssertTrue(schemas.divisions.isUnlistedErqiTownship("410103015"), "the test needs a code the list lacks")
        let rules = """
            政策 T-1 “户籍在二七区”
              领域 养老
              对象 居民
              方式 直接兑现
              条件 本区：户籍地 属于 二七区
              金额 1 元
            结束

            政策 T-2 “户籍在淮河路街道”
              领域 养老
              对象 居民
              方式 直接兑现
              条件 街道：户籍地 属于 淮河路街道
              金额 1 元
            结束
            """
        let output = RuleCompiler.compile([SourceFile(name: "t.policy", text: rules)], schemas: schemas)
        XCTAssertEqual(output.diagnostics.filter { $0.severity == .error }, [])
        let evaluator = ReferenceEvaluator(program: try XCTUnwrap(output.program))
        let day = try XCTUnwrap(Day.parse("2026-11-27"))
        func outcome(_ policy: String, _ division: String) -> PolicyEvaluation.Outcome? {
            evaluator.evaluate(policy: policy, for: EntityFacts(fields: ["hukou_division": .text(division)]), asOf: day)?.outcome
        }
        for code in ["410103015", "410103099", "410103450"] {
            XCTAssertEqual(outcome("T-1", code), .eligible, "\(code): 属于 二七区")
            XCTAssertEqual(outcome("T-2", code), .ineligible, "\(code): not 淮河路街道")
        }
        XCTAssertEqual(outcome("T-1", "410102015"), .ineligible)
        XCTAssertEqual(outcome("T-2", "410103001"), .eligible)
    }
}
