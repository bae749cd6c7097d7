import Datasets
import Evaluation
import Foundation
import Logging
import MianshenTesting
import Pipeline
import RuleLanguage
import Store
import XCTest

/// 持有有效证照 never counts a licence that a full extract no longer lists (注销/吊销): such
/// rows are kept, marked inactive, and left out of both the batch scan and the entity look-up.
final class InactiveLicenceTests: XCTestCase {
    func testARevokedLicenceIsNotHeldInTheScanNorInTheLookUp() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let store = try ProfileStore(path: dir.file("t.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        _ = try importer.run(ImportRequest(kind: .enterprises, path: RepositoryPaths.fixture("enterprises.csv"), maxBadRate: 0.5))
        _ = try importer.run(ImportRequest(kind: .licences, path: RepositoryPaths.fixture("licences.csv"), maxBadRate: 0.5))

        let firm = "91410103863069299W"
        let certificate = "GR202341423884"  // 高新技术企业证书, 2023-12-16 至 2026-12-15
        let output = RuleCompiler.compile([SourceFile(name: "l.policy", text: """
            政策 QY-T “持证”
              领域 惠企
              对象 企业
              方式 提醒
              条件 持证：持有有效证照(高新技术企业证书)
            结束
            """)], schemas: schemas)
        let evaluator = ReferenceEvaluator(program: try XCTUnwrap(output.program))
        let asOf = try XCTUnwrap(Day.parse("2026-06-01"))
        func held(_ entity: StoredEntity) -> Truth? {
            let facts = EntityFacts(fields: entity.fields, related: [.licences: entity.licences ?? []])
            return evaluator.evaluate(policy: "QY-T", for: facts, asOf: asOf)?.conditions.first { $0.name == "持证" }?.value
        }
        func scanned() throws -> StoredEntity? {
            var found: StoredEntity?
            try store.scan(.enterprises) { if $0.key == firm { found = $0 } }
            return found
        }
        XCTAssertEqual(held(try XCTUnwrap(store.entity(key: firm)?.entity)), .yes)
        XCTAssertEqual(held(try XCTUnwrap(scanned())), .yes)

        // The next full extract no longer lists the certificate: it was revoked.
        let lines = try String(contentsOfFile: RepositoryPaths.fixture("licences.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.contains(certificate) }
        let extract = try dir.write("licences.csv", lines.joined(separator: "\n"))
        _ = try importer.run(ImportRequest(kind: .licences, path: extract, maxBadRate: 0.5, full: true))

        let lookedUp = try XCTUnwrap(store.entity(key: firm)?.entity)
        XCTAssertFalse((lookedUp.licences ?? []).contains { $0["license_no"] == .text(certificate) }, "inactive, so not read")
        XCTAssertEqual(held(lookedUp), .no)
        XCTAssertEqual(held(try XCTUnwrap(scanned())), .no)
    }
}
