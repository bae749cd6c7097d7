import Foundation
import MianshenTesting
import XCTest

/// `engine verify`: the columnar engine checked against the reference evaluator on the
/// committed fixtures with the whole library; the script-facing last line and exit codes.
final class EngineCLITests: XCTestCase {
    func testVerifyAgreesOnFixturesAndPrintsTheSummaryLine() throws {
        let dir = try TemporaryDirectory()
        let common = ["--rules", RepositoryPaths.rules, "--db", dir.file("e.db")]
        for kind in ["residents", "enterprises", "licences"] {
            let result = try CLIRunner.run(["import", kind, RepositoryPaths.fixture("\(kind).csv"), "--max-bad-rate", "0.5"] + common)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        for asOf in ["2025-02-15", "2025-06-01"] {
            let result = try CLIRunner.run(["engine", "verify", "--as-of", asOf, "--timing"] + common)
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            XCTAssertTrue(lines.first?.hasPrefix("装载 ") ?? false, result.stdout)
            let last = try XCTUnwrap(lines.last)
            XCTAssertTrue(last.hasPrefix("一致："), last)
            XCTAssertTrue(last.hasSuffix("项政策"), last)
            XCTAssertFalse(last.hasPrefix("一致：0 个对象"), last)
        }
        let limited = try CLIRunner.run(["engine", "verify", "--as-of", "2025-06-01", "--limit", "5"] + common)
        XCTAssertEqual(limited.status, 0, limited.stderr)
        XCTAssertTrue(limited.stdout.contains("一致：15 个对象"), limited.stdout)
        let bad = try CLIRunner.run(["engine", "verify", "--as-of", "2025-02-30"] + common)
        XCTAssertEqual(bad.status, 64, bad.stderr)
    }
}
