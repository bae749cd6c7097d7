import Foundation
import MianshenTesting
import XCTest

/// A district extract whose street codes the list lacks, as an officer meets it on the first
/// night: imported whole, the drift said in the summary, listed apart from the bad rows.
final class WarningsCLITests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: String { dir.file("w.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: CLIRunner.binary), "build first: \(CLIRunner.binary)")
    }

    func run(_ args: String...) throws -> CLIResult {
        try CLIRunner.run(args + ["--db", db])
    }

    func testUnlistedStreetsAreWarnedListedAndCountedButNotRejected() throws {
        let out = dir.file("gen")
        let generated = try CLIRunner.run([
            "fixtures", "generate", "--residents", "1200", "--enterprises", "100", "--out", out, "--seed", "9",
            "--unlisted-street-rate", "0.2",
        ])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        XCTAssertTrue(generated.stdout.contains("名单外街道代码比例 20.00%"), generated.stdout)

        let imported = try run("import", "residents", out + "/residents.csv")
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stdout.contains("隔离 0（0.0%）"), imported.stdout)
        XCTAssertTrue(imported.stdout.contains("数据质量警告"), imported.stdout)
        let drift = try XCTUnwrap(imported.stdout.split(separator: "\n").first { $0.contains("注意：") })
        let rows = try XCTUnwrap(Int(drift.split(separator: "：")[1].split(separator: " ")[0]), String(drift))
        XCTAssertGreaterThan(rows, 100)

        let warnings = try run("quarantine", "list", "--warnings", "--format", "csv")
        XCTAssertEqual(warnings.status, 0, warnings.stderr)
        let lines = warnings.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "file,line,field,reason_code,value,message", "the quarantine's exact columns")
        XCTAssertEqual(lines.count - 1, rows)
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains(",hukou_division,unknown_division,4101030") }, lines[1])
        let bad = try run("quarantine", "list", "--format", "csv")
        XCTAssertEqual(bad.stdout, "file,line,field,reason_code,value,message\n", "warnings are not bad rows")
        let json = try run("quarantine", "list", "--warnings", "--format", "json")
        XCTAssertEqual(json.stdout.split(separator: "\n").count, rows)
        XCTAssertTrue(try run("quarantine", "list", "--warnings").stdout.contains("unknown_division（区划代码不在人工维护的名单中（二七区街道或郑州区县））"))

        let info = try run("db", "info")
        XCTAssertTrue(info.stdout.contains("数据质量警告 \(rows) 条"), info.stdout)
        XCTAssertTrue(try run("db", "info", "--format", "json").stdout.contains("\"warning_rows\":\(rows)"))

        // A person on an unlisted street: shown as 未知街道（code）, and 属于 二七区 holds.
        let first = try XCTUnwrap(lines.dropFirst().first?.split(separator: ",", omittingEmptySubsequences: false))
        let line = try XCTUnwrap(Int(first[1]))
        let csv = try String(contentsOfFile: out + "/residents.csv", encoding: .utf8).split(separator: "\n")
        let id = String(try XCTUnwrap(csv[line - 1].split(separator: ",").first))
        let code = String(first[4])
        let profile = try run("profile", id)
        XCTAssertTrue(profile.stdout.contains("未知街道（\(code)）"), profile.stdout)
        let explained = try run("rules", "try", "--entity", id, "--as-of", "2026-11-27")
        XCTAssertEqual(explained.status, 0, explained.stderr)
        XCTAssertTrue(explained.stdout.contains("✓ 前提：户籍在二七区（户籍地=未知街道（\(code)））"), explained.stdout)

        // Again: a no-op, with no second set of warnings.
        XCTAssertTrue(try run("import", "residents", out + "/residents.csv").stdout.contains("已跳过"))
        XCTAssertEqual(try run("quarantine", "list", "--warnings", "--all", "--format", "csv").stdout.split(separator: "\n").count - 1, rows)
    }
}
