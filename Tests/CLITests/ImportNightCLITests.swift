import Foundation
import MianshenTesting
import XCTest

/// The nightly full extract as cron runs it (`fixtures generate --night`), and the import's
/// edges: a closed stdout, a broken schema file, the warnings of a rejected import.
final class ImportNightCLITests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: String { dir.file("n.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: CLIRunner.binary), "build first: \(CLIRunner.binary)")
    }

    func run(_ args: String...) throws -> CLIResult {
        try CLIRunner.run(args + ["--db", db])
    }

    func generate(night: Int, into name: String, extra: [String] = []) throws -> String {
        let out = dir.file(name)
        let result = try CLIRunner.run([
            "fixtures", "generate", "--residents", "3000", "--enterprises", "50", "--seed", "4", "--night", String(night),
            "--out", out,
        ] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return out + "/residents.csv"
    }

    /// id_number → the rest of the line, from a generated CSV.
    func rows(_ path: String) throws -> [String: String] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        var out: [String: String] = [:]
        for line in lines {
            let cells = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            out[String(cells[0])] = String(cells[1])
        }
        return out
    }

    func testTheNextNightChangesAFewRowsAndTheFullImportCountsExactlyThose() throws {
        let night0 = try generate(night: 0, into: "n0")
        let night1 = try generate(night: 1, into: "n1")
        let again = try generate(night: 1, into: "n1-again")
        XCTAssertEqual(FileManager.default.contents(atPath: night1), FileManager.default.contents(atPath: again), "deterministic")
        let yesterday = try rows(night0), today = try rows(night1)
        let new = Set(today.keys).subtracting(yesterday.keys)
        let gone = Set(yesterday.keys).subtracting(today.keys)
        let changed = today.filter { entry in yesterday[entry.key].map { $0 != entry.value } ?? false }
        XCTAssertEqual(new.count, 6, "0.2 % of 3,000 new")
        XCTAssertTrue((1...20).contains(gone.count), "about 0.2 % gone: \(gone.count)")
        XCTAssertTrue((10...60).contains(changed.count), "about 1 % changed: \(changed.count)")

        XCTAssertEqual(try run("import", "residents", night0, "--full").status, 0)
        let imported = try run("import", "residents", night1, "--full", "--format", "json")
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let summary = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any], imported.stdout
        )
        XCTAssertEqual(summary["inserted"] as? Int, new.count)
        XCTAssertEqual(summary["updated"] as? Int, changed.count)
        XCTAssertEqual(summary["deactivated"] as? Int, gone.count)
        XCTAssertEqual(summary["unchanged"] as? Int, today.count - new.count - changed.count)

        // The change history names the one field that changed, old and new value.
        let first = try XCTUnwrap(changed.first)
        let id = first.key, line = first.value
        let profile = try run("profile", id, "--unmask", "--purpose", "核对导入")
        XCTAssertEqual(profile.status, 0, profile.stderr)
        let income = try XCTUnwrap(line.split(separator: ",", omittingEmptySubsequences: false).dropFirst(14).first)
        XCTAssertTrue(profile.stdout.contains(String(income)), profile.stdout)
        let leaver = try XCTUnwrap(gone.first)
        XCTAssertTrue(try run("profile", leaver, "--unmask", "--purpose", "核对导入").stdout.contains("迁出/死亡"))
    }

    func testAClosedStdoutAfterTheImportCommittedExits74AndKeepsTheImport() throws {
        let night0 = try generate(night: 0, into: "n0")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        process.arguments = ["import", "residents", night0, "--db", db]
        process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
        let out = Pipe(), err = Pipe()
        try out.fileHandleForReading.close() // nobody reads: the first write fails (SIGPIPE)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "not killed by SIGPIPE")
        XCTAssertEqual(process.terminationStatus, 74, stderr)
        XCTAssertTrue(stderr.contains("标准输出已关闭"), stderr)
        let again = try run("import", "residents", night0)
        XCTAssertTrue(again.stdout.contains("已跳过"), "the import had committed: " + again.stdout)
    }

    /// The machine export writes raw bytes (not `print`): a closed stdout there is exit 74 with
    /// the sentence too, not a trap in Foundation's FileHandle.
    func testAClosedStdoutDuringTheResultsExportExits74() throws {
        _ = try run("import", "residents", try generate(night: 0, into: "n0"))
        _ = try run("run", "--as-of", "2025-12-01", "--include-drafts")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        process.arguments = ["results", "--all", "--format", "csv", "--db", db]
        process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
        let out = Pipe(), err = Pipe()
        try out.fileHandleForReading.close()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, stderr)
        XCTAssertEqual(process.terminationStatus, 74, stderr)
        XCTAssertTrue(stderr.contains("标准输出已关闭"), stderr)
    }

    func testABrokenSchemaFileIsReportedInChineseWithFileAndLine() throws {
        try dir.copySchemas()
        let path = dir.file("schemas/residents.yaml")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "    label: 姓名\n", with: "    label: 姓名\n   type: [text\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["fixtures", "generate", "--residents", "1", "--enterprises", "1",
                                        "--out", dir.file("g"), "--rules", dir.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("residents.yaml:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("YAML 格式错误"), result.stderr)
        XCTAssertFalse(result.stderr.contains(" in line "), "no Yams English: " + result.stderr)

        // A well-formed file missing a key: the line of the mapping it belongs to.
        try FileManager.default.removeItem(atPath: dir.file("schemas"))
        try dir.copySchemas()
        text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "key: id_number\n", with: "")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let missing = try CLIRunner.run(["fixtures", "generate", "--residents", "1", "--enterprises", "1",
                                         "--out", dir.file("g"), "--rules", dir.path])
        XCTAssertTrue(missing.stderr.contains("residents.yaml:"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("缺少必填项 key"), missing.stderr)
    }

    func testWarningsOfARejectedImportDoNotSayTheirRowsWereImported() throws {
        let path = try generate(night: 0, into: "bad", extra: ["--bad-rate", "0.2", "--unlisted-street-rate", "0.3"])
        let rejected = try run("import", "residents", path)
        XCTAssertEqual(rejected.status, 1, rejected.stdout + rejected.stderr)
        XCTAssertTrue(rejected.stdout.contains("本次导入已拒绝，这些行也未导入"), rejected.stdout)
        let warnings = try run("quarantine", "list", "--warnings", "--all", "--format", "csv")
        XCTAssertEqual(warnings.status, 0, warnings.stderr)
        let lines = warnings.stdout.split(separator: "\n").dropFirst()
        XCTAssertFalse(lines.isEmpty)
        XCTAssertTrue(lines.allSatisfy { !$0.contains("已按原值导入") && $0.contains("该行未导入") }, String(lines[lines.startIndex]))
    }
}
