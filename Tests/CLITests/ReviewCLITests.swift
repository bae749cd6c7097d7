import Foundation
import MianshenTesting
import XCTest

/// Manual review through the built binary, on the bundled fixtures plus one hand-made resident
/// whose 医保类型 is missing (so ZY-JMYB cannot decide: 低保 yes, the rest unknown): runs open
/// one item per unknown and no second one on the same inputs; a decision is honoured by later
/// runs (engine outcome codes, the decided amount, shown in results --wide and explain) until
/// the values the policy read change, when the item reopens; reopen (申诉) and the errors.
final class ReviewCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.file("review.db") }
    private let person = TrialStore.id("41010319500101991", "男")
    private let header = "id_number,name,gender,birth_date,hukou_division,hukou_type,household_id,relation,phone,alive,dibao,tekun,disability_level,school_stage,medical_insurance,annual_income_yuan,farmland_mu,consent_push"

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try ReportCLITests.importFixtures(db: db)
        try importPerson(disability: "")
    }

    private func importPerson(disability: String, insurance: String = "") throws {
        let row = "\(person),测试甲,男,1950-01-01,410103001,非农业,HX0000000001,户主,13800000009,是,是,否,\(disability),无,\(insurance),1000,0,是"
        let file = try dir.write("person.csv", header + "\n" + row + "\n")
        let result = try CLIRunner.run(["import", "residents", file, "--db", db])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }

    private func cli(_ arguments: [String], status: Int32 = 0) throws -> CLIResult {
        let result = try CLIRunner.run(arguments + ["--db", db])
        XCTAssertEqual(result.status, status, "\(arguments): " + result.stdout + result.stderr)
        return result
    }

    private func evaluate() throws -> CLIResult { try cli(["run", "--as-of", "2025-12-01"]) }

    /// `review list --format csv --status all` as records by header.
    private func items() throws -> [[String: String]] {
        let lines = try cli(["review", "list", "--status", "all", "--format", "csv"]).stdout.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        guard let head = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(head, $0)) }
    }

    private func row(_ policy: String, run: Int) throws -> String? {
        try cli(["results", "--run", String(run), "--all", "--policy", policy, "--format", "csv"]).stdout
            .split(separator: "\n").map(String.init).first { $0.hasPrefix(person + ",") }
    }

    /// The same night again (the inputs, rules and day of the last run that bound every unknown)
    /// trusts the items' bindings and hashes nothing; another day checks every item again.
    func testTheSameNightAgainTrustsTheBindingsAnotherDayChecksThem() throws {
        _ = try evaluate()
        let again = try evaluate()
        XCTAssertTrue(again.stderr.contains("没有新的复核事项；数据、规则和日期与上次运行相同"), again.stderr)
        // One item's binding damaged behind the store's back: the same night does not look at it…
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        // (Item 1 is the first entry of the first run's first segment: its 32 bytes of hash zeroed.)
        sqlite.arguments = [db, "UPDATE review_segments SET digests = CAST(zeroblob(32) || substr(digests, 33) AS BLOB) WHERE first_item = 1"]
        try sqlite.run()
        sqlite.waitUntilExit()
        XCTAssertEqual(sqlite.terminationStatus, 0)
        let trusted = try evaluate()
        XCTAssertFalse(trusted.stderr.contains("更新输入"), trusted.stderr)
        // …the next day, on the same data, checks every item and binds that one again.
        let nextDay = try cli(["run", "--as-of", "2025-12-02"])
        XCTAssertTrue(nextDay.stderr.contains("1 项因数据变化更新输入"), nextDay.stderr)
        XCTAssertFalse(nextDay.stderr.contains("沿用"), nextDay.stderr)
    }

    func testEveryUnknownOpensOneItemAndNotTwiceOnTheSameInputs() throws {
        let first = try evaluate()
        let unknowns = try cli(["results", "--outcome", "unknown", "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
        XCTAssertFalse(unknowns.isEmpty)
        XCTAssertTrue(first.stderr.contains("新开复核事项 \(unknowns.count) 项"), first.stderr)
        let opened = try items()
        XCTAssertEqual(Set(opened.map { "\($0["entity_id"] ?? ""),\($0["policy_id"] ?? "")" }), Set(unknowns), "one item per unknown")
        XCTAssertEqual(opened.count, unknowns.count)
        XCTAssertTrue(opened.allSatisfy { $0["status"] == "open" && $0["opened_run"] == "1" })
        let mine = try XCTUnwrap(opened.first { $0["entity_id"] == person && $0["policy_id"] == "ZY-JMYB" })
        XCTAssertEqual(mine["missing_fields"], "医保类型")

        let second = try evaluate()
        XCTAssertTrue(second.stderr.contains("没有新的复核事项"), second.stderr)
        XCTAssertEqual(try items(), opened, "the same inputs: no second item, nothing rebound")

        let trial = try cli(["run", "--as-of", "2025-12-01", "--include-drafts"])
        XCTAssertFalse(trial.stderr.contains("新开"), trial.stderr)

        let table = try cli(["review", "list", "--policy", "ZY-JMYB"]).stdout
        XCTAssertTrue(table.contains("待复核"), table)
        XCTAssertFalse(table.contains(person), "ids masked in the table: \(table)")
        XCTAssertTrue(table.contains(String(person.prefix(4)) + "**********"), table)
    }

    func testDecisionHonouredUntilTheInputsChange() throws {
        _ = try evaluate()
        XCTAssertEqual(try row("ZY-JMYB", run: 1), "\(person),ZY-JMYB,unknown,")
        let item = try XCTUnwrap(try items().first { $0["entity_id"] == person && $0["policy_id"] == "ZY-JMYB" }?["id"])

        let noAmount = try cli(["review", "decide", item, "--outcome", "eligible", "--reason", "医保局核实已参保", "--operator", "李四"], status: 64)
        XCTAssertTrue(noAmount.stderr.contains("--amount"), noAmount.stderr)
        let decided = try cli([
            "review", "decide", item, "--outcome", "eligible", "--amount", "200", "--reason", "医保局核实已参保城乡居民医保", "--operator", "李四",
        ])
        XCTAssertTrue(decided.stdout.contains("已决定：符合，每期 200.00 元（复核人 李四）"), decided.stdout)
        let again = try cli(["review", "decide", item, "--outcome", "ineligible", "--reason", "x", "--operator", "王五"], status: 64)
        XCTAssertTrue(again.stderr.contains("review reopen"), again.stderr)
        // The decision is in the audit log: who, which item and entity, and the reason as purpose.
        let audit = try cli(["audit", "list", "--format", "csv"]).stdout
        let decision = try XCTUnwrap(audit.split(separator: "\n").first { $0.contains("review decide") }, audit)
        XCTAssertTrue(decision.contains("李四") && decision.contains(person) && decision.contains("医保局核实已参保城乡居民医保"), String(decision))
        XCTAssertEqual(audit.split(separator: "\n").filter { $0.contains("review decide") }.count, 1, "refused decisions are not recorded")

        let honoured = try evaluate()
        XCTAssertTrue(honoured.stderr.contains("1 项按复核决定报告"), honoured.stderr)
        XCTAssertEqual(try row("ZY-JMYB", run: 2), "\(person),ZY-JMYB,eligible,200.00", "the engine's code, the decided amount")
        let wide = try cli(["results", "--run", "2", "--policy", "ZY-JMYB", "--wide", "--format", "csv"]).stdout.split(separator: "\n")
        XCTAssertEqual(wide.first?.hasSuffix(",missing_fields,review"), true)
        let line = try XCTUnwrap(wide.first { $0.hasPrefix(person) })
        XCTAssertTrue(line.hasSuffix(",复核 #\(item) 已决定 符合（李四）"), String(line))
        let explained = try cli(["explain", person, "ZY-JMYB"]).stdout
        XCTAssertTrue(explained.contains("ZY-JMYB 困难群众城乡居民医保个人缴费资助：符合，金额 200.00 元"), explained)
        XCTAssertTrue(explained.contains("人工复核：事项 #\(item) 已决定为“符合”，每期 200.00 元（复核人 李四"), explained)
        XCTAssertTrue(explained.contains("理由：医保局核实已参保城乡居民医保"), explained)

        // 医保类型 filled in (职工: not this benefit's): the engine decides by itself; the decision
        // is not used, and neither results --wide nor explain present it as the row's reason.
        try importPerson(disability: "", insurance: "职工")
        _ = try evaluate()
        XCTAssertEqual(try row("ZY-JMYB", run: 3), "\(person),ZY-JMYB,ineligible,")
        let decidedByRules = try cli(["results", "--run", "3", "--policy", "ZY-JMYB", "--all", "--wide", "--format", "csv"]).stdout
        let ruled = try XCTUnwrap(decidedByRules.split(separator: "\n").first { $0.hasPrefix(person) })
        XCTAssertFalse(ruled.contains("复核 #"), String(ruled))
        XCTAssertTrue(try cli(["explain", person, "ZY-JMYB"]).stdout.contains("事项 #\(item) 的决定本次未采用"))
        try importPerson(disability: "")

        // A value ZY-JMYB reads changes (残疾等级; still unknown for want of 医保类型): the item reopens.
        try importPerson(disability: "3")
        let changed = try evaluate()
        XCTAssertTrue(changed.stderr.contains("其中已决定而重新打开 1 项"), changed.stderr)
        XCTAssertEqual(try row("ZY-JMYB", run: 4), "\(person),ZY-JMYB,unknown,")
        let reopened = try XCTUnwrap(try items().first { $0["id"] == item })
        XCTAssertEqual(reopened["status"], "open")
        XCTAssertEqual(reopened["last_run"], "4")
        XCTAssertEqual(reopened["reviewer"], "", "the decision is history now")
        let history = try cli(["review", "show", item]).stdout
        XCTAssertTrue(history.contains("决定：符合，运行 1，李四：医保局核实已参保城乡居民医保"), history)
        XCTAssertTrue(history.contains("数据变化，已决定的事项重新打开，运行 4"), history)
    }

    func testReopenOnAppealAndErrors() throws {
        _ = try evaluate()
        let item = try XCTUnwrap(try items().first { $0["entity_id"] == person && $0["policy_id"] == "ZY-JMYB" }?["id"])
        let early = try cli(["review", "reopen", item, "--note", "申诉"], status: 64)
        XCTAssertTrue(early.stderr.contains("尚未决定"), early.stderr)
        _ = try cli(["review", "decide", item, "--outcome", "ineligible", "--reason", "未参保", "--operator", "李四"])
        _ = try evaluate()
        XCTAssertEqual(try row("ZY-JMYB", run: 2), "\(person),ZY-JMYB,ineligible,")
        XCTAssertEqual(try items().filter { $0["status"] == "decided" }.count, 1)

        let appeal = try cli(["review", "reopen", item, "--note", "本人提交参保凭证申诉", "--operator", "王五"])
        XCTAssertTrue(appeal.stdout.contains("已重新打开（王五）"), appeal.stdout)
        _ = try evaluate()
        XCTAssertEqual(try row("ZY-JMYB", run: 3), "\(person),ZY-JMYB,unknown,", "an open item leaves the engine's unknown")
        XCTAssertTrue(try cli(["review", "show", item]).stdout.contains("申诉重新打开，运行 1，王五：本人提交参保凭证申诉"))

        let missing = try cli(["review", "decide", "99999", "--outcome", "ineligible", "--reason", "x", "--operator", "李四"], status: 64)
        XCTAssertTrue(missing.stderr.contains("没有编号为 99999 的复核事项"), missing.stderr)
        let badAmount = try cli(["review", "decide", item, "--outcome", "eligible", "--amount", "1.234", "--reason", "x", "--operator", "李四"], status: 64)
        XCTAssertTrue(badAmount.stderr.contains("至多两位小数"), badAmount.stderr)
        let ineligibleAmount = try cli(["review", "decide", item, "--outcome", "ineligible", "--amount", "5", "--reason", "x", "--operator", "李四"], status: 64)
        XCTAssertTrue(ineligibleAmount.stderr.contains("只用于 --outcome eligible"), ineligibleAmount.stderr)
    }

    /// A reason written over two lines stays on its item's one line of the table (the break shown
    /// as ⏎), and the machine formats keep it as written.
    func testALineBreakInAReasonKeepsTheTableOneLineAnItem() throws {
        _ = try evaluate()
        let item = try XCTUnwrap(try items().first { $0["entity_id"] == person && $0["policy_id"] == "ZY-JMYB" }?["id"])
        _ = try cli(["review", "decide", item, "--outcome", "ineligible", "--reason", "未参保\n本人确认", "--operator", "李四"])
        let table = try cli(["review", "list", "--status", "decided"]).stdout
        let line = try XCTUnwrap(table.split(separator: "\n").first { $0.hasPrefix(item + " ") }, table)
        XCTAssertTrue(line.contains("未参保⏎本人确认"), table)
        XCTAssertFalse(table.split(separator: "\n").contains { $0.hasPrefix("本人确认") }, table)
        let json = try cli(["review", "list", "--status", "decided", "--format", "json"]).stdout
        XCTAssertTrue(json.contains(#"未参保\n本人确认"#), json)
    }

    /// A 家庭 policy's hash covers its members' values: a member's income (which FR-QNBT does not
    /// read) leaves the item alone; the member's 低保对象 going missing rebinds the open item.
    func testHouseholdItemsFollowTheMembersValuesThePolicyReads() throws {
        let household = "H4101030001324"
        let member = { (dibao: String, income: String) in
            "410381199812082323,钟雪,女,1998-12-08,410103008,非农业,\(household),其他,13203248818,是,\(dibao),否,,无,职工,\(income),0,是"
        }
        func importMember(_ row: String) throws {
            let file = try dir.write("member.csv", header + "\n" + row + "\n")
            XCTAssertEqual(try CLIRunner.run(["import", "residents", file, "--db", db]).status, 0)
        }
        func item() throws -> [String: String] {
            try XCTUnwrap(try items().first { $0["entity_id"] == household && $0["policy_id"] == "FR-QNBT" })
        }
        _ = try evaluate()
        let opened = try item()
        XCTAssertEqual(opened["missing_fields"], "家庭成员.低保对象；家庭成员.特困人员")

        try importMember(member("否", "90000"))
        let unread = try evaluate()
        XCTAssertTrue(unread.stderr.contains("没有新的复核事项"), unread.stderr)
        XCTAssertEqual(try item(), opened, "年收入 is not read by FR-QNBT")

        try importMember(member("", "90000"))
        let read = try evaluate()
        XCTAssertTrue(read.stderr.contains("1 项因数据变化更新输入（其中已决定而重新打开 0 项）"), read.stderr)
        let rebound = try item()
        XCTAssertEqual(rebound["status"], "open")
        XCTAssertEqual(rebound["id"], opened["id"], "the same item, not a second one")
        XCTAssertEqual(rebound["last_run"], "3")
        XCTAssertNotEqual(rebound["inputs_sha256"], opened["inputs_sha256"])
    }
}
