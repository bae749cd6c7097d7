import Foundation
import MianshenTesting
import XCTest

/// The tool as users and cron meet it: the built binary, its output and its exit codes.
final class CLITests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: String { dir.file("cli.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: CLIRunner.binary), "build first: \(CLIRunner.binary)")
    }

    func run(_ args: String...) throws -> CLIResult {
        try CLIRunner.run(args + ["--db", db])
    }

    func testHelpListsTheExitCodes() throws {
        let help = try CLIRunner.run(["--help"])
        XCTAssertEqual(help.status, 0)
        for code in ["0", "1", "64", "65", "69", "74", "75"] {
            XCTAssertTrue(help.stdout.contains("  \(code) "), "exit code \(code) missing from --help")
        }
    }

    func testImportSummaryAndNoOp() throws {
        let first = try run("import", "residents", "Fixtures/residents.csv")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("新增 300"), first.stdout)
        let again = try run("import", "residents", "Fixtures/residents.csv", "--format", "json")
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("\"no_op\":true"), again.stdout)
    }

    func testRejectedImportExitsOne() throws {
        let result = try run("import", "residents", "Fixtures/bad/residents_reject.csv")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("已拒绝"), result.stdout)
    }

    func testUsageErrorsExitSixtyFour() throws {
        XCTAssertEqual(try run("import", "households", "Fixtures/residents.csv").status, 64)
        XCTAssertEqual(try run("import", "residents", "Fixtures/residents.csv", "--max-bad-rate", "2").status, 64)
        XCTAssertEqual(try run("quarantine", "list", "--all", "--import", "1").status, 64)
    }

    func testFileLevelFormatErrorExitsSixtyFive() throws {
        let result = try run("import", "residents", "Fixtures/bad/residents_missing_column.csv")
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.contains("id_number"), result.stderr)
    }

    func testIOErrorsExitSeventyFour() throws {
        XCTAssertEqual(try run("import", "residents", "Fixtures/no-such-file.csv").status, 74)
        let badDB = try CLIRunner.run(["db", "info", "--db", "/nonexistent-dir/x.db"])
        XCTAssertEqual(badDB.status, 74, badDB.stderr)
    }

    func testQuarantineCSVHeaderOrderAndMasking() throws {
        _ = try run("import", "residents", "Fixtures/bad/residents_bad.csv", "--max-bad-rate", "1")
        let csv = try run("quarantine", "list", "--format", "csv")
        XCTAssertEqual(csv.status, 0)
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "file,line,field,reason_code,value,message")
        XCTAssertFalse(csv.stdout.hasPrefix("\u{FEFF}"))
        let numbers = lines.dropFirst().compactMap { Int($0.split(separator: ",")[1]) }
        XCTAssertEqual(numbers, numbers.sorted())
        let checkDigit = try XCTUnwrap(lines.first { $0.contains("bad_check_digit") })
        XCTAssertTrue(checkDigit.contains("**********"), "ID masked by default: \(checkDigit)")
        let unmasked = try run("quarantine", "list", "--format", "csv", "--unmask", "--purpose", "测试")
        XCTAssertFalse(unmasked.stdout.split(separator: "\n").first { $0.contains("bad_check_digit") }?.contains("****") ?? true)
        let json = try run("quarantine", "list", "--format", "json")
        XCTAssertEqual(json.stdout.split(separator: "\n").count, lines.count - 1)
    }

    func testProfileShowsHistoryMasked() throws {
        let original = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        var rows = original.split(separator: "\n").map(String.init)
        var cells = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let id = cells[0]
        let name = cells[1]
        cells[8] = "13912345678"
        rows[1] = cells.joined(separator: ",")
        let changed = try dir.write("changed.csv", rows.joined(separator: "\n") + "\n")
        XCTAssertEqual(try run("import", "residents", "Fixtures/residents.csv").status, 0)
        XCTAssertEqual(try run("import", "residents", changed).status, 0)
        let profile = try run("profile", id)
        XCTAssertEqual(profile.status, 0, profile.stderr)
        XCTAssertTrue(profile.stdout.contains("变更历史（1 条）"), profile.stdout)
        XCTAssertTrue(profile.stdout.contains("139****5678"), profile.stdout)
        XCTAssertFalse(profile.stdout.contains(id), "ID number must be masked")
        XCTAssertFalse(profile.stdout.contains(name), "name must be masked")
        XCTAssertTrue(profile.stdout.contains("家庭成员"))
        let unmasked = try run("profile", id, "--unmask", "--purpose", "测试")
        XCTAssertTrue(unmasked.stdout.contains(id))
        XCTAssertEqual(try run("profile", "11010519491231002X").status, 1, "unknown key")
    }

    func testEnterpriseProfileListsLicences() throws {
        XCTAssertEqual(try run("import", "enterprises", "Fixtures/enterprises.csv").status, 0)
        XCTAssertEqual(try run("import", "licences", "Fixtures/licences.csv").status, 0)
        let csv = try String(contentsOfFile: RepositoryPaths.fixture("enterprises.csv"), encoding: .utf8)
        let uscc = String(try XCTUnwrap(csv.split(separator: "\n").dropFirst().first?.split(separator: ",").first))
        let profile = try run("profile", uscc)
        XCTAssertEqual(profile.status, 0, profile.stderr)
        XCTAssertTrue(profile.stdout.contains("一企一档"))
        XCTAssertTrue(profile.stdout.contains("营业执照"), profile.stdout)
    }

    func testDBInfo() throws {
        XCTAssertEqual(try run("import", "residents", "Fixtures/residents.csv").status, 0)
        let info = try run("db", "info")
        XCTAssertEqual(info.status, 0)
        XCTAssertTrue(info.stdout.contains("v1-profiles"))
        XCTAssertTrue(info.stdout.contains("Fixtures/residents.csv"))
        let json = try run("db", "info", "--format", "json")
        XCTAssertTrue(json.stdout.contains("\"residents\":{\"active\":300,\"inactive\":0}"), json.stdout)
        // A first load saves the engine's columns (the fields the rules read) as it writes the rows.
        XCTAssertTrue(info.stdout.contains("列缓存") && info.stdout.contains("居民 "), info.stdout)
        XCTAssertFalse(info.stdout.contains("已过期"), info.stdout)
        let evaluated = try run("run", "--as-of", "2025-12-01")
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        let cached = try run("db", "info")
        XCTAssertTrue(cached.stdout.contains("列缓存") && cached.stdout.contains("居民 "), cached.stdout)
        XCTAssertFalse(cached.stdout.contains("已过期"), cached.stdout)
        // The same people under Chinese headers: the import changes no row, the cache stays current.
        let again = try run("import", "residents", "Fixtures/residents_zh.csv")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(try run("db", "info").stdout.contains("已过期"), "an import that changed nothing")
        // An import that changes rows records them for the next evaluation to merge in (the
        // run first merges what the import above added).
        XCTAssertEqual(try run("run", "--as-of", "2025-12-01").status, 0)
        let lines = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        let first = try XCTUnwrap(lines.split(separator: "\n").dropFirst().first { $0.contains(",是,否,否,,无,") })
        let one = try dir.write("one.csv", lines.replacingOccurrences(of: first, with: first.replacingOccurrences(of: ",是,否,否,,无,", with: ",是,是,否,,无,")))
        XCTAssertEqual(try run("import", "residents", one).status, 0)
        let pending = try run("db", "info")
        XCTAssertTrue(pending.stdout.contains("居民 ") && pending.stdout.contains("（导入后改过的 1 个对象下次评估时并入）"), pending.stdout)
        XCTAssertTrue(try run("db", "info", "--format", "json").stdout.contains("\"pending_changes\":1"))
        XCTAssertEqual(try run("run", "--as-of", "2025-12-01").status, 0)
        XCTAssertFalse(try run("db", "info").stdout.contains("下次评估时并入"), "the run merged and saved them")
        // A cache the import cannot patch (an entry missing) is left stale, and shown so.
        try SQLiteShell.run(db, "DELETE FROM column_cache WHERE name = ':relations'")
        let changed = try dir.write("changed.csv", lines.replacingOccurrences(of: ",是,否,否,,无,", with: ",是,是,否,,无,"))
        let third = try run("import", "residents", changed)
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(third.stdout.contains("更新 "), third.stdout)
        XCTAssertTrue(try run("db", "info").stdout.contains("已过期"), "an import that could not patch the cache")
    }
}
