import Foundation
import MianshenTesting
import XCTest

/// `results import` on the small store of `TrialStore` with its policies published: a run's own
/// `results --all --format csv` imported is the same run again (bytes and hash), explain /
/// diff / grants work on it, and every way a file can break the contract is refused with
/// file:line, importing nothing.
final class ResultsImportCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private let a = TrialStore.a, d = TrialStore.d

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try dir.copySchemas()
        try TrialStore.importProfiles(into: dir, db: dir.file("r.db"))
        try TrialStore.importProfiles(into: dir, db: dir.file("probe.db"))
        try dir.write("试算.policy", RunsCLITests.rules())
        XCTAssertEqual(try run(["run", "--as-of", "2026-11-27", "--include-drafts"], db: "probe.db").status, 0)
        try dir.write("approvals.yaml", try TrialStore.approvals(probe: dir.file("probe.db")))
    }

    private func run(_ arguments: [String], db: String = "r.db") throws -> CLIResult {
        try CLIRunner.run(arguments + ["--rules", dir.path, "--db", dir.file(db)])
    }

    /// Run 1 by the engine (no grants), and its full results CSV.
    private func engineRun() throws -> String {
        let evaluated = try run(["run", "--as-of", "2026-11-27", "--no-grants"])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        let csv = try run(["results", "--all", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        return csv.stdout
    }

    private func importFile(_ bytes: Data, extra: [String] = []) throws -> CLIResult {
        let path = dir.file("results.csv")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: bytes))
        return try run(["results", "import", path, "--as-of", "2026-11-27"] + extra)
    }

    func testARunsOwnResultsImportedAreTheSameRun() throws {
        let csv = try engineRun()
        let imported = try importFile(Data(csv.utf8), extra: ["--note", "省数据中心 测试批次"])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stdout.contains("运行编号 2"), imported.stdout)
        XCTAssertTrue(imported.stdout.contains("引擎 imported"), imported.stdout)
        XCTAssertTrue(imported.stdout.contains("新记账 6 笔"), "posts its grants as run does: \(imported.stdout)")

        let again = try run(["results", "--run", "2", "--all", "--format", "csv"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, csv, "byte-identical")
        let ledger = try SQLiteShell.run(dir.file("r.db"), "SELECT engine, results_sha256, rules_sha256, as_of, inputs FROM runs ORDER BY id")
            .split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(ledger.count, 2)
        XCTAssertEqual(ledger[1][0], "imported")
        XCTAssertEqual(ledger[1][1], ledger[0][1], "the same results hash")
        XCTAssertEqual(ledger[1][2], ledger[0][2], "the rules hash of the policies published that day")
        XCTAssertEqual(ledger[1][3], "2026-11-27")
        XCTAssertTrue(ledger[1][4].contains("\"results_file\""), ledger[1][4])
        XCTAssertTrue(ledger[1][4].contains(Self.sha256Hex(Data(csv.utf8))), "the input is the file's SHA-256: \(ledger[1][4])")

        let diff = try run(["diff", "1", "2", "--format", "csv"])
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertEqual(diff.stdout.split(separator: "\n").count, 1, "nothing changed: \(diff.stdout)")
        XCTAssertEqual(try run(["grants", "list", "--format", "csv"]).stdout.split(separator: "\n").count, 7)
        let audit = try run(["audit", "list"])
        XCTAssertTrue(audit.stdout.contains("省数据中心 测试批次"), audit.stdout)

        // Without condition columns an imported run cannot explain its conditions, and says so.
        let explain = try run(["explain", a, "T-YB", "--run", "2"])
        XCTAssertEqual(explain.status, 0, explain.stderr)
        XCTAssertTrue(explain.stdout.contains("T-YB 居民医保试算：符合，金额 10.00 元"), explain.stdout)
        XCTAssertTrue(explain.stdout.contains("无法逐条解释"), explain.stdout)
        XCTAssertFalse(try run(["explain", a, "T-YB", "--run", "1"]).stdout.contains("无法逐条解释"))
        // The file has no amount on an excluded row: the imported run does not invent one.
        let firm = try XCTUnwrap(csv.split(separator: "\n").first { $0.contains(",T-Q1,excluded,") }?.split(separator: ",").first)
        let excluded = try run(["explain", String(firm), "T-Q1", "--run", "2"]).stdout
        XCTAssertTrue(excluded.contains("T-Q1 企业甲：互斥未享；"), excluded)
        XCTAssertTrue(try run(["explain", String(firm), "T-Q1", "--run", "1"]).stdout.contains("互斥未享，按本项应得 100.00 元"))
    }

    func testConditionColumnsMakeTheImportedRunExplainable() throws {
        let csv = try engineRun()
        // T-YB's two conditions as columns: A is in 二七区 and insured; D (中原区) is not in the district.
        var lines = csv.split(separator: "\n").map(String.init)
        lines[0] += ",本区,居民医保"
        for i in 1..<lines.count {
            let cells = lines[i].split(separator: ",", omittingEmptySubsequences: false)
            guard cells[1] == "T-YB" else { lines[i] += ",,"; continue }
            lines[i] += cells[0] == d ? ",false,true" : cells[2] == "eligible" ? ",true,true" : ",true,"
        }
        let imported = try importFile(Data((lines.joined(separator: "\n") + "\n").utf8), extra: ["--no-grants"])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stdout.contains("explain 无法逐条解释：T-GL、T-Q1、T-Q2、T-YE"), imported.stdout)
        XCTAssertEqual(try run(["results", "--run", "2", "--all", "--format", "csv"]).stdout, csv)
        let explained = try run(["explain", a, "T-YB", "--run", "2"])
        XCTAssertFalse(explained.stdout.contains("无法逐条解释"), explained.stdout)
        XCTAssertEqual(
            explained.stdout.split(separator: "\n").filter { $0.contains("✓") }.count,
            try run(["explain", a, "T-YB", "--run", "1"]).stdout.split(separator: "\n").filter { $0.contains("✓") }.count
        )
        let other = try run(["explain", d, "T-YB", "--run", "2"])
        XCTAssertTrue(other.stdout.contains("✗"), other.stdout)
    }

    /// Each broken file: exit 65, file:line and the reason on stderr, the ledger unchanged.
    func testFilesThatBreakTheContractImportNothing() throws {
        let csv = try engineRun()
        let lines = csv.split(separator: "\n").map(String.init)
        func with(_ change: (inout [String]) -> Void) -> Data {
            var copy = lines
            change(&copy)
            return Data((copy.joined(separator: "\n") + "\n").utf8)
        }
        let ineligible = try XCTUnwrap(lines.firstIndex { $0.hasSuffix(",ineligible,") })
        let eligible = try XCTUnwrap(lines.firstIndex { $0.contains(",eligible,") })
        let cases: [(String, Data, Int, String)] = [
            ("header", with { $0[0] = "entity,policy_id,outcome,amount" }, 1, "表头应为"),
            ("column", with { $0[0] += ",收入" ; for i in 1..<$0.count { $0[i] += "," } }, 1, "不是本次导入的任何政策的条件名称"),
            ("outcome", with { $0[1] = $0[1].split(separator: ",", omittingEmptySubsequences: false).prefix(2).joined(separator: ",") + ",granted," }, 2, "不是 eligible"),
            ("policy", with { $0[2] = $0[2].replacingOccurrences(of: "T-GL", with: "T-XX") }, 3, "政策“T-XX”在 2026-11-27 没有已发布且有效的版本"),
            ("entity", with { $0[2] = "410103199901010000" + $0[2].drop { $0 != "," } }, 3, "不是居民中的有效档案"),
            ("twice", with { $0.insert($0[1], at: 2) }, 3, "结果重复"),
            ("missing", with { $0.remove(at: 3) }, lines.count - 1, "文件结束时仍缺少 1 行"),
            ("amount on ineligible", with { $0[ineligible] += "5.00" }, ineligible + 1, "不填金额"),
            ("no amount", with { $0[eligible] = String($0[eligible].prefix { $0 != "." }.dropLast(3)) }, eligible + 1, "须填写金额"),
            ("decimals", with { $0[eligible] = String($0[eligible].dropLast()) }, eligible + 1, "应为元、两位小数"),
            ("columns", with { $0[4] += ",x" }, 5, "这一行有 5 列"),
            ("CRLF", with { $0[1] += "\r" }, 2, "CRLF"),
            ("BOM", Data([0xEF, 0xBB, 0xBF]) + Data(csv.utf8), 1, "BOM"),
            ("UTF-8", Data(csv.utf8.prefix(lines[0].utf8.count + 1)) + Data([0xFF, 0x0A]) + Data(csv.utf8.dropFirst(lines[0].utf8.count + 1)), 2, "不是有效的 UTF-8"),
            ("empty", Data(), 1, "文件是空的"),
        ]
        let before = try run(["runs", "list", "--format", "csv"]).stdout
        for (name, bytes, line, reason) in cases {
            let result = try importFile(bytes)
            XCTAssertEqual(result.status, 65, "\(name): \(result.stdout)\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("results.csv:\(line)："), "\(name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(reason), "\(name): \(result.stderr)")
            for id in [a, TrialStore.b, TrialStore.c, d, TrialStore.e] {
                XCTAssertFalse(result.stderr.contains(id), "\(name): ids are masked: \(result.stderr)")
            }
        }
        XCTAssertEqual(try run(["runs", "list", "--format", "csv"]).stdout, before, "nothing imported")
        XCTAssertEqual(try SQLiteShell.run(dir.file("r.db"), "SELECT COUNT(*) FROM grants").trimmingCharacters(in: .whitespacesAndNewlines), "0")
        // The untouched file still imports (the refusals were about the file, not the store).
        XCTAssertEqual(try importFile(Data(csv.utf8)).status, 0)
    }

    /// On the repository's library and fixtures: the imported run's application files are the
    /// engine run's (a run's own results brought back are the same benefits to apply for).
    func testApplicationsFromAnImportedRunAreTheEngineRunsOnes() throws {
        func library(_ arguments: [String]) throws -> CLIResult {
            try CLIRunner.run(arguments + ["--db", dir.file("lib.db"), "--rules", RepositoryPaths.rules])
        }
        for kind in ["residents", "enterprises", "licences"] {
            XCTAssertEqual(try library(["import", kind, RepositoryPaths.fixture("\(kind).csv")]).status, 0)
        }
        XCTAssertEqual(try library(["run", "--as-of", "2025-12-01", "--no-grants"]).status, 0)
        let csv = try library(["results", "--all", "--format", "csv"]).stdout
        try dir.write("lib-results.csv", csv)
        let imported = try library(["results", "import", dir.file("lib-results.csv"), "--as-of", "2025-12-01", "--no-grants"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try library(["results", "--all", "--format", "csv", "--run", "2"]).stdout, csv)
        var generated: [[String: Data]] = []
        for run in ["1", "2"] {
            let result = try library(["applications", "generate", "--run", run, "--out", dir.file("apps-\(run)")])
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
            var found: [String: Data] = [:]
            let root = dir.file("apps-\(run)")
            for case let name as String in FileManager.default.enumerator(atPath: root) ?? NSEnumerator() {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                found[name] = FileManager.default.contents(atPath: root + "/" + name)
            }
            generated.append(found)
        }
        XCTAssertFalse(generated[0].isEmpty)
        XCTAssertEqual(generated[0].keys.sorted(), generated[1].keys.sorted())
        for (name, data) in generated[0] where generated[1][name] != data {
            XCTFail("\(name) differs between the engine run and the imported run")
        }
    }

    private static func sha256Hex(_ data: Data) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(data)
        try? input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out.prefix(64), as: UTF8.self)
    }
}
