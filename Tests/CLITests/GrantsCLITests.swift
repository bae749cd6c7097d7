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
        try TrialStore.sqlite(db, sql)
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
    }
}
