import Foundation
import MianshenTesting
import XCTest

/// The grants ledger on the small store of `TrialStore`, with its policies published (approvals
/// written for their current content): posting after `run`, reruns, adjustments, review flags,
/// budgets across nights, the payment file and the finance office's confirmations.
final class GrantsCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private let a = TrialStore.a, b = TrialStore.b, e = TrialStore.e

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try dir.copySchemas()
        try TrialStore.importProfiles(into: dir, db: dir.file("g.db"))
        try TrialStore.importProfiles(into: dir, db: dir.file("probe.db"))
    }

    private func run(_ arguments: [String], db: String = "g.db") throws -> CLIResult {
        try CLIRunner.run(arguments + ["--rules", dir.path, "--db", dir.file(db)])
    }

    /// Writes the rules and approves every policy's current content by two departments (the
    /// hashes read from a trial run in a separate store).
    private func publish(ageLimit: Int = 80, insuranceAmount: Int = 10) throws {
        try dir.write("试算.policy", RunsCLITests.rules(ageLimit: ageLimit, insuranceAmount: insuranceAmount))
        try? FileManager.default.removeItem(atPath: dir.file("approvals.yaml"))
        let trial = try run(["run", "--as-of", "2026-11-27", "--include-drafts"], db: "probe.db")
        XCTAssertEqual(trial.status, 0, trial.stderr)
        try dir.write("approvals.yaml", try TrialStore.approvals(probe: dir.file("probe.db")))
    }

    private func sqlite(_ db: String, _ sql: String) throws -> String {
        try SQLiteShell.run(db, sql)
    }

    @discardableResult
    private func evaluate(_ day: String = "2026-11-27") throws -> CLIResult {
        let result = try run(["run", "--as-of", day])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return result
    }

    /// The ledger as CSV rows (header dropped), split into cells.
    private func ledger(_ extra: [String] = []) throws -> [[String]] {
        let result = try run(["grants", "list", "--format", "csv"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func testRerunsTheSameNightAndTheNextNightNeverPostTwice() throws {
        try publish()
        // T-GL: A (E is over budget); T-YB: A, B, C; T-Q2: both firms (T-Q1 loses the 互斥组).
        XCTAssertTrue(try evaluate().stdout.contains("新记账 6 笔，未变 0 笔，补发 0 笔，追回 0 笔，标记待复核 0 个"))
        XCTAssertTrue(try evaluate().stdout.contains("新记账 0 笔，未变 6 笔"))
        XCTAssertTrue(try evaluate("2026-11-28").stdout.contains("新记账 0 笔，未变 6 笔"), "the next night, the same month")
        let rows = try ledger()
        XCTAssertEqual(rows.count, 6)
        XCTAssertTrue(rows.allSatisfy { $0[0].hasSuffix("-1") && $0[7] == "发放" }, "\(rows)")
        XCTAssertEqual(Set(rows.map { $0[1] }).count, 6, "one grant per (policy, entity, period)")
        XCTAssertEqual(rows.filter { $0[2] == "T-GL" }.map { $0[3] }, ["2026年11月"])

        // A new month is a new period of the monthly T-GL; the one-off grants stay as they are.
        XCTAssertTrue(try evaluate("2026-12-01").stdout.contains("新记账 1 笔，未变 5 笔"))
        // A trial run (drafts included) and --no-grants post nothing.
        let trial = try run(["run", "--as-of", "2027-01-05", "--include-drafts"])
        XCTAssertFalse(trial.stdout.contains("发放台账"), trial.stdout)
        let skipped = try run(["run", "--as-of", "2027-01-05", "--no-grants"])
        XCTAssertFalse(skipped.stdout.contains("发放台账"), skipped.stdout)
        XCTAssertEqual(try ledger().count, 7)
        // Posted later on purpose: the same run posts once.
        XCTAssertTrue(try run(["grants", "post"]).stdout.contains("新记账 1 笔，未变 5 笔"))
        XCTAssertTrue(try run(["grants", "post"]).stdout.contains("新记账 0 笔，未变 6 笔"))
        XCTAssertEqual(try run(["grants", "post", "--run", "5"]).status, 64, "run 5 is a trial")
    }

    /// The run, its review items and its grants are one transaction: when writing the grants fails
    /// (here a trigger refuses them), no run is left behind for a later run to post or open items for.
    func testARunWhoseGrantsCannotBeWrittenLeavesNothing() throws {
        try publish()
        _ = try sqlite(dir.file("g.db"), "CREATE TRIGGER refuse BEFORE INSERT ON grant_entries BEGIN SELECT RAISE(ABORT, '测试：拒绝写入'); END;")
        let before = try sqlite(dir.file("g.db"), "SELECT (SELECT COUNT(*) FROM runs) || ' ' || (SELECT COUNT(*) FROM review_items) || (SELECT COUNT(*) FROM review_segments)")
        let failed = try run(["run", "--as-of", "2026-11-27"])
        XCTAssertNotEqual(failed.status, 0, failed.stdout)
        XCTAssertTrue(failed.stderr.contains("测试：拒绝写入"), failed.stderr)
        XCTAssertEqual(try sqlite(dir.file("g.db"), "SELECT (SELECT COUNT(*) FROM runs) || ' ' || (SELECT COUNT(*) FROM review_items) || (SELECT COUNT(*) FROM review_segments)"), before)
        XCTAssertEqual(try sqlite(dir.file("g.db"), "SELECT COUNT(*) FROM grants"), "0\n")
        // Without the trigger the same night posts, once.
        _ = try sqlite(dir.file("g.db"), "DROP TRIGGER refuse;")
        XCTAssertTrue(try evaluate().stdout.contains("新记账 6 笔"))
        XCTAssertEqual(try sqlite(dir.file("g.db"), "SELECT COUNT(*) FROM runs"), "1\n")
    }

    func testAChangedAmountIsAnAdjustmentAndALostEligibilityIsFlaggedNotReversed() throws {
        try publish(insuranceAmount: 10)
        try evaluate()
        try publish(insuranceAmount: 15)
        XCTAssertTrue(try evaluate().stdout.contains("新记账 0 笔，未变 3 笔，补发 3 笔，追回 0 笔"))
        try publish(insuranceAmount: 8)
        XCTAssertTrue(try evaluate().stdout.contains("补发 0 笔，追回 3 笔"))
        let entries = try ledger(["--policy", "T-YB"]).filter { $0[4].hasSuffix(String(a.suffix(4))) }
        XCTAssertEqual(entries.map { [String($0[0].suffix(2)), $0[7], $0[8]] }, [["-1", "发放", "10.00"], ["-2", "补发", "5.00"], ["-3", "追回", "-7.00"]])

        // A turns 80 on 2026-11-27: with 81 as the limit A no longer qualifies for T-GL this month.
        try publish(ageLimit: 81, insuranceAmount: 8)
        XCTAssertTrue(try evaluate().stdout.contains("标记待复核 1 个"))
        let flagged = try ledger(["--flagged"])
        XCTAssertEqual(flagged.count, 1)
        XCTAssertEqual(flagged.first?[2], "T-GL")
        XCTAssertEqual(flagged.first?[10], "ineligible")
        XCTAssertEqual(try ledger(["--policy", "T-GL"]).map { $0[7] }, ["发放"], "no 追回: a person reviews it")
        XCTAssertTrue(try evaluate().stdout.contains("标记待复核 0 个"), "one open flag per grant")
        let table = try run(["grants", "list", "--flagged"]).stdout
        XCTAssertTrue(table.contains("是（不符合）"), table)
        XCTAssertFalse(table.contains(a), "ID numbers are masked")
    }

    /// A holder gone from the population (no longer active) is flagged as absent, not reversed.
    func testAHolderWhoLeftThePopulationIsFlaggedAbsent() throws {
        try publish()
        try evaluate()
        let masked = try XCTUnwrap(try ledger().first { $0[4].hasSuffix(String(a.suffix(4))) }?[4], "A holds grants")
        let held = try ledger().filter { $0[4] == masked }
        XCTAssertFalse(held.isEmpty, "A holds grants")
        _ = try sqlite(dir.file("g.db"), "UPDATE residents SET active = 0 WHERE id_number = '\(a)'; DELETE FROM column_cache")
        XCTAssertTrue(try evaluate().stdout.contains("标记待复核 \(held.count) 个"))
        let flagged = try ledger(["--flagged"])
        XCTAssertEqual(flagged.map { [$0[4], $0[10]] }, Array(repeating: [masked, "absent"], count: held.count))
    }

    /// A flag is resolved by a later run that finds the holder eligible again, or closed by a person
    /// (audited); a run older than the latest posted for the period is not posted over it.
    func testFlagsCloseByHandOrWhenEligibleAgainAndAnOlderRunIsRefused() throws {
        try publish()
        try evaluate()  // run 1
        try publish(ageLimit: 81)
        XCTAssertTrue(try evaluate().stdout.contains("标记待复核 1 个"))  // run 2
        let open = try run(["grants", "flags", "list"]).stdout
        XCTAssertTrue(open.contains("T-GL") && open.contains("待复核"), open)
        XCTAssertFalse(open.contains(a), "ID numbers are masked")

        // Eligible again: the run resolves the flag and says so.
        try publish()
        let again = try evaluate().stdout  // run 3
        XCTAssertTrue(again.contains("再次符合、解除标记 1 个"), again)
        XCTAssertEqual(try ledger(["--flagged"]).count, 0)
        XCTAssertTrue(try run(["grants", "flags", "list", "--all"]).stdout.contains("运行 3 再次符合，已解除"))

        // Flagged again, then closed by hand: once, with reason and operator in the audit log.
        try publish(ageLimit: 81)
        XCTAssertTrue(try evaluate().stdout.contains("标记待复核 1 个"))  // run 4
        let id = try sqlite(dir.file("g.db"), "SELECT MAX(id) FROM grant_flags WHERE status = 'open'").trimmingCharacters(in: .whitespacesAndNewlines)
        let closed = try run(["grants", "flags", "close", id, "--reason", "已核实，本月已足额发放", "--operator", "王五"])
        XCTAssertEqual(closed.status, 0, closed.stderr)
        XCTAssertEqual(try ledger(["--flagged"]).count, 0)
        XCTAssertEqual(try run(["grants", "flags", "close", id, "--reason", "再关", "--operator", "王五"]).status, 64)
        XCTAssertEqual(try run(["grants", "flags", "close", "999", "--reason", "无", "--operator", "王五"]).status, 64)
        let audit = try run(["audit", "list", "--operator", "王五"]).stdout
        XCTAssertTrue(audit.contains("grants flags close"), audit)
        XCTAssertTrue(try evaluate().stdout.contains("标记待复核 0 个"), "a closed flag is not raised again by the same outcome")  // run 5

        // Run 1 (limit 80) is older than run 5 for the same period: posting it would undo run 5.
        let before = try ledger()
        let older = try run(["grants", "post", "--run", "1"])
        XCTAssertEqual(older.status, 64, older.stdout)
        XCTAssertTrue(older.stderr.contains("早于已记账的运行 5"), older.stderr)
        XCTAssertEqual(try ledger(), before, "nothing written")
        XCTAssertEqual(try run(["grants", "post", "--run", "5"]).status, 0, "the latest run may be posted again")
    }

    /// A payee gone from the residents table has no name: the payment is listed as needing
    /// attention (masked) and left out of the file, never written with an empty name.
    func testAPaymentWhosePayeeHasNoNameIsListedNotWrittenWithAnEmptyName() throws {
        try publish()
        try evaluate()
        _ = try sqlite(dir.file("g.db"), "DELETE FROM residents WHERE id_number = '\(b)'")
        let export = try run(["grants", "export", "--period", "一次性", "--out", dir.file("pay.csv")])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("导出 4 笔"), export.stdout)
        XCTAssertTrue(export.stdout.contains("需核实：1 笔（合计 10.00 元）的收款人在档案中没有姓名"), export.stdout)
        XCTAssertFalse(export.stdout.contains(b), "masked")
        let text = String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: dir.file("pay.csv"))), as: UTF8.self)
        XCTAssertFalse(text.contains(b), text)
        let names = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
        XCTAssertEqual(names.count, 4)
        XCTAssertFalse(names.contains { $0.isEmpty }, text)
    }

    func testTheBudgetCountsWhatTheLedgerGrantedEarlierInThePeriod() throws {
        // Night 1: only E (82) is old enough; E is granted 100 元 a month (1200 of the 1500 a year).
        try publish(ageLimit: 82)
        try evaluate("2026-11-26")
        // Night 2: A (80, younger, so first in 降序) qualifies too. Without the ledger A would be
        // granted and E be over budget; E already holds the month's grant, so A is the one over.
        try publish(ageLimit: 80)
        XCTAssertTrue(try evaluate("2026-11-27").stdout.contains("新记账 0 笔"))
        let csv = try run(["results", "--policy", "T-GL", "--all", "--format", "csv"]).stdout
        XCTAssertTrue(csv.contains("\(e),T-GL,eligible,100.00"), csv)
        XCTAssertTrue(csv.contains("\(a),T-GL,over_budget,100.00"), csv)
        // December's ledger is empty: the declared order decides again, and B (80 since 11-28,
        // the youngest) comes first.
        try evaluate("2026-12-01")
        let december = try run(["results", "--policy", "T-GL", "--all", "--format", "csv"]).stdout
        for (id, outcome) in [(b, "eligible"), (a, "over_budget"), (e, "over_budget")] {
            XCTAssertTrue(december.contains("\(id),T-GL,\(outcome),100.00"), december)
        }
        XCTAssertEqual(try ledger(["--period", "2026-12"]).map { $0[4] }, [String(b.prefix(4)) + "**********" + String(b.suffix(4))])
    }

    func testThePaymentFileAndConfirmationsComingBack() throws {
        try publish()
        try evaluate()
        let export = try run(["grants", "export", "--period", "一次性", "--out", dir.file("pay.csv")])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("导出 5 笔，合计 430.00 元"), export.stdout)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: dir.file("pay.csv")))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 with a BOM")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("grant_id,benefit_no,payee_id,payee_name,policy_id,policy_title,period,kind,amount\n"), text)
        let lines = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines.contains { $0[2] == a && $0[4] == "T-YB" && $0[8] == "10.00" }, "ids in full in the machine file: \(lines)")

        let xml = try run(["grants", "export", "--period", "2026-11", "--format", "xml", "--out", dir.file("pay.xml")])
        XCTAssertEqual(xml.status, 0, xml.stderr)
        let document = try String(contentsOfFile: dir.file("pay.xml"), encoding: .utf8)
        XCTAssertTrue(document.contains("<payments format=\"1\" period=\"2026年11月\" count=\"1\" total=\"100.00\">"), document)
        XCTAssertTrue(document.contains("<id>\(a)</id>"), document)
        XCTAssertEqual(try run(["grants", "export", "--period", "2026-13", "--out", dir.file("x.csv")]).status, 64)
        // Each payment file handed out is in the audit log, with the period and how many payments.
        let audit = try run(["audit", "list", "--format", "csv"]).stdout.split(separator: "\n").filter { $0.contains("grants export") }
        XCTAssertEqual(audit.count, 2, "the two files written; the refused period is not recorded")
        XCTAssertTrue(audit.contains { $0.contains("受益期 2026-11 发放文件 1 笔") }, "\(audit)")

        let first = lines[0][0], second = lines[1][0]
        try dir.write("back.csv", "发放编号,状态,时间\n\(first),已发放,2026-12-05\nNOPE-ONCE-1,paid,2026-12-05\n\(second),lost,2026-12-05\n")
        let rejected = try run(["grants", "confirm", dir.file("back.csv")])
        XCTAssertEqual(rejected.status, 1)
        XCTAssertTrue(rejected.stderr.contains("back.csv:3：发放编号 NOPE-ONCE-1 不在发放台账中"), rejected.stderr)
        XCTAssertTrue(rejected.stderr.contains("back.csv:4：状态“lost”无法识别"), rejected.stderr)
        XCTAssertTrue(try ledger().allSatisfy { $0[9].isEmpty }, "a rejected file records nothing")

        try dir.write("back.jsonl", """
            {"grant_id": "\(first)", "status": "paid", "time": "2026-12-05"}
            {"grant_id": "\(second)", "status": "failed", "time": "2026-12-05", "note": "账户已注销"}

            """)
        XCTAssertTrue(try run(["grants", "confirm", dir.file("back.jsonl")]).stdout.contains("读取 2 条发放结果，新记录 2 条"))
        XCTAssertTrue(try run(["grants", "confirm", dir.file("back.jsonl")]).stdout.contains("新记录 0 条"))
        XCTAssertEqual(try ledger().filter { !$0[9].isEmpty }.map { [$0[0], $0[9]] }.sorted { $0[0] < $1[0] },
                       [[first, "paid"], [second, "failed"]].sorted { $0[0] < $1[0] })
        // The next payment file leaves out what was paid, and resends what failed.
        XCTAssertTrue(try run(["grants", "export", "--period", "一次性", "--out", dir.file("pay2.csv")]).stdout.contains("导出 4 笔"))
        XCTAssertTrue(try run(["grants", "export", "--period", "一次性", "--all", "--out", dir.file("pay3.csv")]).stdout.contains("导出 5 笔"))

        // A return file in GB18030, as district systems write it, is read as the import reads one.
        let third = lines[2][0]
        let gbFile = dir.file("back-gb.csv")
        try Data(Transcode.encode("发放编号,状态,时间,说明\n\(third),已发放,2026-12-06,已到账\n", to: "GB18030")).write(to: URL(fileURLWithPath: gbFile))
        let gb = try run(["grants", "confirm", gbFile])
        XCTAssertEqual(gb.status, 0, gb.stderr)
        XCTAssertTrue(gb.stdout.contains("读取 1 条发放结果，新记录 1 条"), gb.stdout)
        XCTAssertTrue(try ledger().contains { $0[0] == third && $0[9] == "paid" })
    }
}
