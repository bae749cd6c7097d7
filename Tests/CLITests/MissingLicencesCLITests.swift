import Foundation
import MianshenTesting
import XCTest

/// Before any licence import, whether a firm holds a licence is unknown, not “no”: a policy that
/// needs one sends the firm to manual review (待人工复核) naming the licence data as missing.
final class MissingLicencesCLITests: XCTestCase {
    func testWithoutLicenceImportFirmsAreUnknownNamingTheLicenceData() throws {
        let dir = try TemporaryDirectory()
        func run(_ arguments: [String]) throws -> CLIResult {
            try CLIRunner.run(arguments + ["--db", dir.file("l.db"), "--rules", RepositoryPaths.rules])
        }
        let imported = try run(["import", "enterprises", RepositoryPaths.fixture("enterprises.csv")])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let evaluated = try run(["run", "--as-of", "2025-12-01"])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        let csv = try run(["results", "--policy", "QY-GXRD", "--all", "--wide", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertGreaterThan(rows.count, 10)
        // entity_id,policy_id,outcome,amount,policy_name,payee_id,street,failed_conditions,missing_fields,review
        XCTAssertFalse(rows.contains { $0[2] == "eligible" }, csv.stdout)
        XCTAssertFalse(rows.contains { $0[7].contains("高新技术企业证书") }, "nobody fails the licence condition: " + csv.stdout)
        let unknown = rows.filter { $0[2] == "unknown" }
        XCTAssertGreaterThanOrEqual(unknown.count, 4, csv.stdout)
        XCTAssertTrue(unknown.allSatisfy { $0[8].contains("证照") }, csv.stdout)

        // With the licences imported the same firms are decided (4 hold a valid certificate).
        XCTAssertEqual(try run(["import", "licences", RepositoryPaths.fixture("licences.csv")]).status, 0)
        XCTAssertEqual(try run(["run", "--as-of", "2025-12-01"]).status, 0)
        let after = try run(["results", "--policy", "QY-GXRD", "--all", "--format", "csv"]).stdout
        XCTAssertEqual(after.split(separator: "\n").filter { $0.contains(",eligible,") }.count, 4, after)
    }
}
