import Foundation
import MianshenTesting
import XCTest

/// `mianshen export`: the active records as CSV in the `rules sql --ddl` columns.
final class ExportCLITests: XCTestCase {
    func testExportWritesOnlyActiveRowsInTheDDLColumnsWithEmptyCellsForUnknowns() throws {
        let dir = try TemporaryDirectory()
        func run(_ arguments: [String]) throws -> CLIResult {
            try CLIRunner.run(arguments + ["--db", dir.file("e.db"), "--rules", RepositoryPaths.rules])
        }
        let fixture = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        let lines = fixture.split(separator: "\n").map(String.init)
        XCTAssertEqual(try run(["import", "residents", RepositoryPaths.fixture("residents.csv")]).status, 0)
        // A full extract without the last three residents: they leave (inactive, not deleted).
        let gone = lines.suffix(3).map { String($0.prefix { $0 != "," }) }
        try lines.dropLast(3).joined(separator: "\n").appending("\n").write(toFile: dir.file("full.csv"), atomically: true, encoding: .utf8)
        let full = try run(["import", "residents", dir.file("full.csv"), "--full"])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertEqual(try run(["import", "licences", RepositoryPaths.fixture("licences.csv")]).status, 0)

        let exported = try run(["export", "--dir", dir.file("out")])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let csv = try String(contentsOfFile: dir.file("out/residents.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let ddl = try CLIRunner.run(["rules", "sql", "--ddl", "--dialect", "duckdb", "--rules", RepositoryPaths.rules]).stdout
        let header = RulesSQLCLITests.columns(of: "residents", in: ddl).map(\.name)
        XCTAssertEqual(rows.first, header)
        let ids = Set(rows.dropFirst().map { $0[0] })
        for id in gone { XCTAssertFalse(ids.contains(id), "an inactive resident is not exported: \(id)") }
        XCTAssertTrue(ids.contains(String(lines[1].prefix { $0 != "," })))
        XCTAssertTrue(exported.stdout.contains("residents：\(rows.count - 1) 行"), exported.stdout)
        // 蒋铁柱: no 医保类型 (unknown → empty cell), 残疾等级 empty = 0 as the schema says, 是 → true.
        let row = try XCTUnwrap(rows.first { $0[0] == "410103195512075078" })
        func cell(_ name: String) -> String? { header.firstIndex(of: name).map { row[$0] } }
        XCTAssertEqual(cell("medical_insurance"), "")
        XCTAssertEqual(cell("disability_level"), "0")
        XCTAssertEqual(cell("alive"), "true")
        XCTAssertEqual(cell("dibao"), "false")
        XCTAssertEqual(cell("birth_date"), "1955-12-07")
        XCTAssertEqual(cell("annual_income_yuan"), "60830.00")
        XCTAssertFalse(csv.contains("蒋铁柱"), "names are not exported")
        let licences = try String(contentsOfFile: dir.file("out/licences.csv"), encoding: .utf8)
        XCTAssertTrue(licences.hasPrefix("holder_id,holder_kind,license_type,license_no,issue_date,expiry_date\n"), licences)
    }

    /// grants_held.csv: every grant of the ledger with its net amount in 元, what the budgets of
    /// `rules sql` start from; the DDL declares the same columns.
    func testExportWritesTheLedgersGrantsWithTheirNetAmounts() throws {
        let dir = try TemporaryDirectory()
        func run(_ arguments: [String]) throws -> CLIResult {
            try CLIRunner.run(arguments + ["--db", dir.file("e.db"), "--rules", RepositoryPaths.rules])
        }
        XCTAssertEqual(try run(["import", "residents", RepositoryPaths.fixture("residents.csv")]).status, 0)
        let empty = try run(["export", "--dir", dir.file("before")])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir.file("before/grants_held.csv"), encoding: .utf8), "policy_id,period,entity_id,net_amount\n")
        XCTAssertTrue(empty.stdout.contains("grants_held：0 行"), empty.stdout)

        let posted = try run(["run", "--as-of", "2025-06-30"])
        XCTAssertEqual(posted.status, 0, posted.stderr)
        let exported = try run(["export", "--dir", dir.file("out")])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let rows = try String(contentsOfFile: dir.file("out/grants_held.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.first, "policy_id,period,entity_id,net_amount")
        // A resident of 91 holds June's 高龄津贴 of 200 元.
        XCTAssertTrue(rows.contains("YL-GLJT,202506,410103193308042472,200.00"), rows.joined(separator: "\n"))
        let ledger = try run(["grants", "list", "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
        XCTAssertGreaterThan(ledger.count, 1)
        XCTAssertEqual(rows.count - 1, ledger.count, "one row per grant (each has one 发放 entry)")
        XCTAssertTrue(exported.stdout.contains("grants_held：\(ledger.count) 行"), exported.stdout)
        let ddl = try CLIRunner.run(["rules", "sql", "--ddl", "--dialect", "duckdb", "--rules", RepositoryPaths.rules]).stdout
        XCTAssertEqual(RulesSQLCLITests.columns(of: "grants_held", in: ddl).map(\.name), rows[0].split(separator: ",").map(String.init))
    }
}
