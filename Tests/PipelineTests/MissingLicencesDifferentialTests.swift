import Datasets
import Evaluation
import Generator
import Logging
import MianshenTesting
import Pipeline
import RuleLanguage
import Store
import XCTest

/// Licences never imported are missing data, not “none”: on a generated district whose licences
/// were not imported, the engine and the reference evaluator agree, and no firm fails a licence
/// condition (持有有效证照, 任一(证照…)); each is unknown instead.
final class MissingLicencesDifferentialTests: XCTestCase {
    func testWithoutLicenceImportLicenceConditionsAreUnknownInBothEvaluators() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let out = dir.file("gen")
        _ = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
            residents: 2_000, enterprises: 600, outputDirectory: out, seed: 11, badRate: 0.01
        )).run()
        let store = try ProfileStore(path: dir.file("d.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for kind in DatasetKind.allCases where kind != .licences {
            _ = try importer.run(ImportRequest(kind: kind, path: out + "/\(kind.rawValue).csv", maxBadRate: 0.2))
        }
        let catalog = try RuleCatalog.entries(rulesDirectory: RepositoryPaths.rules, schemas: schemas)
        let program = try XCTUnwrap(catalog.program)
        let policies = catalog.entries.map(\.policy)
        let day = try XCTUnwrap(Day.parse("2025-06-01"))
        let report = try EngineVerification.run(policies: policies, program: program, store: store, asOf: day)
        XCTAssertGreaterThan(report.compared, 1_000)
        for mismatch in report.mismatches.prefix(10) {
            XCTFail("\(mismatch.subject) \(mismatch.entity) \(mismatch.policy)：\(mismatch.detail)")
        }
        XCTAssertEqual(report.mismatches.count, 0)
        // The licence conditions: never 否, and unknown for every firm (both read nothing but licences).
        let checked = [("QY-GXRD", "持有效高新证书"), ("TX-ZZDQ", "六十天内到期")]
        for (policy, condition) in checked {
            let batch = try XCTUnwrap(report.result.policies.first { $0.policyID == policy }, policy)
            let bits = try XCTUnwrap(batch.conditions.first { $0.name == condition }, condition)
            let firms = try XCTUnwrap(report.result.populations[batch.subject]).count
            XCTAssertGreaterThan(firms, 100)
            let values = (0..<firms).map { bits.value(at: $0) }
            XCTAssertEqual(values.filter { $0 != .unknown }.count, 0, "\(policy) \(condition)")
            XCTAssertFalse(batch.outcomes.contains(.eligible), policy)
            XCTAssertTrue(batch.outcomes.contains(.unknown), policy)
        }
        // 已填 / 未填 of a licence field are unknown too (nobody knows whether records exist), in both.
        let rules = dir.file("rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RepositoryPaths.schemas, toPath: rules + "/schemas")
        try """
            政策 T-YT “证照有效期已填”
              领域 惠企
              部门 “区政务服务和大数据管理局”
              对象 企业
              方式 提醒
              条件 有期限 “证照都写明有效期”：已填(证照.有效期至)
              条件 缺期限 “有证照未写有效期”：未填(证照.有效期至)
            结束
            """.write(toFile: rules + "/t.policy", atomically: true, encoding: .utf8)
        let filled = try RuleCatalog.entries(rulesDirectory: rules, schemas: schemas)
        let filledReport = try EngineVerification.run(
            policies: filled.entries.map(\.policy), program: try XCTUnwrap(filled.program), store: store, asOf: day
        )
        XCTAssertEqual(filledReport.mismatches.count, 0)
        let present = try XCTUnwrap(filledReport.result.policies.first)
        for condition in present.conditions {
            XCTAssertTrue((0..<present.outcomes.count).allSatisfy { condition.value(at: $0) == .unknown }, condition.name)
        }

        // Once licences are imported (even an extract that lists none for most firms) they are known.
        _ = try importer.run(ImportRequest(kind: .licences, path: out + "/\(DatasetKind.licences.rawValue).csv", maxBadRate: 0.2))
        let after = try EngineVerification.run(policies: policies, program: program, store: store, asOf: day)
        XCTAssertEqual(after.mismatches.count, 0)
        let batch = try XCTUnwrap(after.result.policies.first { $0.policyID == "QY-GXRD" })
        let bits = try XCTUnwrap(batch.conditions.first { $0.name == "持有效高新证书" })
        XCTAssertTrue((0..<batch.outcomes.count).contains { bits.value(at: $0) == .no })
    }
}
