import Foundation
import MianshenTesting
import XCTest

/// `mianshen nightly` as cron runs it, with real processes: the lock (a second nightly while the
/// first holds it exits 75), kill -9 mid-step and the resume, work committed but not recorded
/// in the ledger found rather than done twice, an already-completed night, configuration errors.
final class NightlyCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private let now = "2025-12-02T02:00:00+08:00"
    private let night = "2025-12-02"
    private let steps = ["import-1", "import-2", "import-3", "run", "applications", "reminders", "grants", "outbox", "dispatch", "report"]

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    /// A night importing the bundled fixtures; `residents` names the residents file.
    @discardableResult
    private func writeConfig(residents: String = RepositoryPaths.fixture("residents.csv"), extra: String = "") throws -> String {
        try dir.write("nightly.toml", """
            as_of = "2025-12-01"
            rules = "\(RepositoryPaths.rules)"
            \(extra)
            [[inputs]]
            file = "\(residents)"
            kind = "residents"
            full = true
            [[inputs]]
            file = "\(RepositoryPaths.fixture("enterprises.csv"))"
            kind = "enterprises"
            [[inputs]]
            file = "\(RepositoryPaths.fixture("licences.csv"))"
            kind = "licences"
            [outputs]
            dir = "out"
            """)
    }

    private var arguments: [String] {
        ["nightly", "--config", dir.file("nightly.toml"), "--db", dir.file("n.db"), "--now", now]
    }

    private func nightly(_ extra: [String] = []) throws -> CLIResult {
        try CLIRunner.run(arguments + extra)
    }

    private func sqlite(_ sql: String) throws -> String {
        try SQLiteShell.run(dir.file("n.db"), sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func ledger() throws -> [String] {
        try sqlite("SELECT step || ' ' || status || ' ' || attempts FROM nightly_steps WHERE night = '\(night)' ORDER BY position")
            .split(separator: "\n").map(String.init)
    }

    /// A night run outside the quiet hours sends through the gateway: every queued message is
    /// accepted once, signed; the night's rerun sends nothing again. Without the signing secret
    /// the night still completes (report written) and exits 69.
    func testANightOutsideQuietHoursSendsEachMessageOnce() throws {
        let secret = "nightly-test-secret"
        let gateway = try TestGatewayProcess(log: dir.file("gw.log"), secret: secret)
        try writeConfig(extra: "")
        let config = try String(contentsOfFile: dir.file("nightly.toml"), encoding: .utf8)
        try dir.write("nightly.toml", config + "\n[gateway]\nurl = \"\(gateway.url)\"\nmax_attempts = 2\nbackoff_seconds = 0.01\n")
        let day = ["nightly", "--config", dir.file("nightly.toml"), "--db", dir.file("n.db"), "--now", "2025-12-02T09:00:00+08:00"]
        let unsigned = try CLIRunner.run(day, environment: ["MIANSHEN_GATEWAY_SECRET": ""])
        XCTAssertEqual(unsigned.status, 69, unsigned.stdout + unsigned.stderr)
        XCTAssertTrue(unsigned.stdout.contains("MIANSHEN_GATEWAY_SECRET"), unsigned.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("out/\(night)/report.html")))
        XCTAssertEqual(gateway.keys("accepted"), [])
        // Killed before its last step was recorded: the resumed night still exits 69 for the dispatch
        // an earlier attempt finished with a problem.
        _ = try sqlite("UPDATE nightly_steps SET status = 'started', finished_at = NULL WHERE step = 'report'")
        let resumed = try CLIRunner.run(day, environment: ["MIANSHEN_GATEWAY_SECRET": ""])
        XCTAssertEqual(resumed.status, 69, resumed.stdout + resumed.stderr)
        XCTAssertEqual(try sqlite("SELECT step || ' ' || attempts FROM nightly_steps WHERE step IN ('dispatch', 'report') ORDER BY position"), "dispatch 1\nreport 2")
        // The night is complete; the morning dispatch (cron's second line) sends what waited.
        let queued = Int(try sqlite("SELECT COUNT(*) FROM push_messages WHERE status = 'queued'")) ?? 0
        XCTAssertGreaterThan(queued, 0)
        let morning = try CLIRunner.run(
            ["push", "dispatch", "--config", dir.file("nightly.toml"), "--db", dir.file("n.db"), "--now", "2025-12-02T09:05:00+08:00"],
            environment: ["MIANSHEN_GATEWAY_SECRET": secret]
        )
        XCTAssertEqual(morning.status, 0, morning.stdout + morning.stderr)
        XCTAssertEqual(gateway.keys("accepted").count, queued)
        XCTAssertEqual(Set(gateway.keys("accepted")).count, queued, "each message accepted once")
        XCTAssertEqual(gateway.keys("unsigned"), [])
        // The next night on the same data tells nobody again.
        let next = try CLIRunner.run(
            ["nightly", "--config", dir.file("nightly.toml"), "--db", dir.file("n.db"), "--now", "2025-12-03T09:00:00+08:00"],
            environment: ["MIANSHEN_GATEWAY_SECRET": secret]
        )
        XCTAssertEqual(next.status, 0, next.stdout + next.stderr)
        XCTAssertTrue(next.stdout.contains("写入待发消息 0 条"), next.stdout)
        XCTAssertEqual(gateway.keys("accepted").count, queued)
    }

    /// The residents file is named after an ID number, which the importer logs: masked in the log.
    func testANightRunsEveryStepOnceAndARerunSaysItIsComplete() throws {
        let named = dir.file("410103193712182418.csv")
        try FileManager.default.copyItem(atPath: RepositoryPaths.fixture("residents.csv"), toPath: named)
        try writeConfig(residents: named)
        let first = try nightly(["--log-format", "json"])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(try ledger(), steps.map { "\($0) done 1" })
        // 02:00 is within the quiet hours: the outbox is written, nothing is sent.
        XCTAssertTrue(first.stdout.contains("写入待发消息"), first.stdout)
        XCTAssertTrue(first.stdout.contains("免打扰时段（21:00–08:00）"), first.stdout)
        XCTAssertNotEqual(try sqlite("SELECT COUNT(*) FROM push_messages WHERE status = 'queued'"), "0")
        // The messages belong to the nightly's night (the date of 02:00), not to the day before.
        XCTAssertEqual(try sqlite("SELECT DISTINCT night FROM push_messages"), "2025-12-02")
        for line in first.stderr.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object?["time"] as? String, String(line))
            XCTAssertNotNil(object?["step"] as? String, String(line))
            XCTAssertNotNil(object?["message"] as? String, String(line))
            XCTAssertFalse(line.contains("410103193712182418"), "an ID number in the log: \(line)")
        }
        XCTAssertTrue(first.stderr.contains("4101**********2418"), first.stderr)
        let out = dir.file("out/\(night)")
        for file in ["report.html", "reminders.csv", "applications/index.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + file), file)
        }
        let again = try nightly()
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("此前已完成"), again.stdout)
        XCTAssertEqual(try ledger(), steps.map { "\($0) done 1" })
        XCTAssertEqual(try sqlite("SELECT COUNT(*) FROM runs"), "1")
        XCTAssertEqual(try sqlite("SELECT COUNT(*) FROM imports"), "3")
    }

    /// The first nightly blocks reading a FIFO as its residents file while it holds the lock: a
    /// second one exits 75. The first is then killed with SIGKILL in the middle of its import;
    /// the next nightly, given the real file, continues and leaves each step in the ledger once.
    func testASecondNightlyIsLockedOutAndAKilledNightResumes() throws {
        let fifo = dir.file("residents.csv")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        try writeConfig(residents: fifo)
        let first = Process()
        first.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        first.arguments = arguments
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        // Wait until the first holds the lock and has started its import (it then blocks on the FIFO).
        var started = false
        for _ in 0..<600 where !started {
            started = FileManager.default.fileExists(atPath: dir.file("n.db"))
                && (try? sqlite("SELECT status FROM nightly_steps WHERE step = 'import-1'")) == "started"
            if !started { usleep(100_000) }
        }
        XCTAssertTrue(started, "the first nightly never started its import")

        let second = try nightly()
        XCTAssertEqual(second.status, 75, second.stdout + second.stderr)
        XCTAssertTrue(second.stderr.contains("另一个夜间任务正在运行"), second.stderr)

        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        XCTAssertEqual(try ledger(), ["import-1 started 1"])

        try FileManager.default.removeItem(atPath: fifo)
        try FileManager.default.copyItem(atPath: RepositoryPaths.fixture("residents.csv"), toPath: fifo)
        let resumed = try nightly()
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertEqual(try ledger(), ["import-1 done 2"] + steps.dropFirst().map { "\($0) done 1" })
        XCTAssertEqual(try sqlite("SELECT COUNT(*) FROM imports"), "3")
        XCTAssertEqual(try sqlite("SELECT COUNT(*) FROM runs"), "1")
    }

    /// A kill after a step's transaction committed but before the ledger said so: the import is
    /// not imported again, the run is found (as-of, rules, inputs) rather than run twice, and the
    /// grants are not posted twice.
    func testWorkCommittedButNotRecordedIsFoundNotRepeated() throws {
        try writeConfig()
        XCTAssertEqual(try nightly().status, 0)
        let grants = try sqlite("SELECT COUNT(*) || ' ' || SUM(amount_fen) FROM grant_entries")
        // As if killed after the run and the grants committed, before either was marked done.
        _ = try sqlite("""
            UPDATE nightly_steps SET status = 'started', finished_at = NULL, produced = NULL WHERE step IN ('import-3', 'run', 'grants');
            DELETE FROM nightly_steps WHERE position > (SELECT position FROM nightly_steps WHERE step = 'grants');
            """)
        let resumed = try nightly()
        XCTAssertEqual(resumed.status, 0, resumed.stdout + resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("已在中断前保存"), resumed.stdout)
        XCTAssertEqual(try sqlite("SELECT COUNT(*) FROM runs"), "1")
        XCTAssertEqual(try sqlite("SELECT COUNT(*) FROM imports"), "3")
        XCTAssertEqual(try sqlite("SELECT COUNT(*) || ' ' || SUM(amount_fen) FROM grant_entries"), grants)
        XCTAssertEqual(
            try ledger(),
            steps.map { ["import-3", "run", "grants"].contains($0) ? "\($0) done 2" : "\($0) done 1" }
        )
    }

    func testConfigurationErrorsNameTheFileAndTheKey() throws {
        let cases: [(String, String)] = [
            ("colour = \"red\"", "键 colour：不认识的键"),
            ("as_of = \"yesterday\"", "键 as_of：值 \"yesterday\" 不对"),
            ("time_zone = \"Mars/Olympus\"", "键 time_zone"),
            ("[[inputs]]\nfile = \"a.csv\"\nkind = \"people\"", "键 inputs[1].kind：值 \"people\" 不对"),
            ("[[inputs]]\nfile = \"a.csv\"\nkind = \"residents\"\nfull = \"yes\"", "键 inputs[1].full"),
            ("[[inputs]]\nfile = \"a.csv\"\nkind = \"residents\"\nfulll = true", "键 inputs[1].fulll：不认识的键"),
            ("[outputs]\ndirectory = \"x\"", "键 outputs.directory：不认识的键"),
            ("", "键 outputs.dir：缺少输出目录"),
            ("db = ", "不是合法的 TOML"),
        ]
        for (text, expected) in cases {
            let path = try dir.write("bad.toml", text + (text.contains("[outputs]") || text.isEmpty ? "" : "\n[outputs]\ndir = \"out\"\n"))
            let result = try CLIRunner.run(["nightly", "--config", path, "--db", dir.file("n.db"), "--now", now])
            XCTAssertEqual(result.status, 64, text + "\n" + result.stderr)
            XCTAssertTrue(result.stderr.contains("配置文件 \(path)"), result.stderr)
            XCTAssertTrue(result.stderr.contains(expected), "\(text)\n\(result.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("n.db")), "a bad configuration must not create the store")
    }

    /// The push tables belong to the push module: accepted, not read here.
    func testPushAndGatewayTablesAreAcceptedAndLeftToThePushModule() throws {
        try writeConfig(extra: "")
        let text = try String(contentsOfFile: dir.file("nightly.toml"), encoding: .utf8)
        _ = try dir.write("nightly.toml", text + "\n[push]\nquiet_hours = \"21:00-08:00\"\n[gateway]\nurl = \"http://127.0.0.1:1\"\n")
        let result = try nightly()
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }
}
