import Foundation
import MianshenTesting
import XCTest

/// `run`, `results`, `explain`, `near-misses`, `runs list` and `diff` on the small hand-made store
/// of `TrialStore`, where every outcome occurs: eligible, ineligible, unknown, excluded (互斥组) and over_budget
/// (a yearly budget spent in the declared 发放顺序).
final class RunsCLITests: XCTestCase {
    private var dir: TemporaryDirectory!

    private let a = TrialStore.a, b = TrialStore.b, c = TrialStore.c, d = TrialStore.d, e = TrialStore.e
    private var firms: [String] = []

    static func rules(ageLimit: Int = 80, insuranceAmount: Int = 10) -> String {
        """
        政策 T-GL “高龄”
          领域 养老
          对象 居民
          方式 直接兑现
          周期 月
          预算 1500 元
          发放顺序 按 出生日期 降序
          前提 本区 “户籍在二七区”：户籍地 属于 二七区
          条件 年满 “年满 \(ageLimit) 周岁”：周岁(出生日期) >= \(ageLimit)
          条件 健在 “本人健在”：是否健在 = 是
          金额 100 元
        结束
        \(TrialStore.otherPolicies(insuranceAmount: insuranceAmount))
        """
    }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try dir.copySchemas()
        try dir.write("试算.policy", Self.rules())
        firms = try TrialStore.importProfiles(into: dir, db: dir.file("run.db"))
    }

    private func run(_ arguments: [String], rules: String? = nil) throws -> CLIResult {
        try CLIRunner.run(arguments + ["--rules", rules ?? dir.path, "--db", dir.file("run.db")])
    }

    @discardableResult
    private func evaluate(rules: String? = nil) throws -> CLIResult {
        let result = try run(["run", "--as-of", "2026-11-27", "--include-drafts"], rules: rules)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return result
    }

    func testResultsFollowTheContract() throws {
        let summary = try evaluate()
        XCTAssertTrue(summary.stdout.contains("运行编号 1"), summary.stdout)
        XCTAssertTrue(summary.stdout.contains("T-GL　年度预算 1500 元已用完：1 个符合条件的对象超出预算（发放顺序 按 出生日期 降序）"), summary.stdout)

        let csv = try run(["results", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stdout.split(separator: "\n").map(String.init), [
            "entity_id,policy_id,outcome,amount",
            // A is younger than E: with 降序 A is granted first, and 1200 + 1200 > 1500.
            "\(e),T-GL,over_budget,100.00",
            "\(a),T-GL,eligible,100.00",
            "\(firms[0]),T-Q1,excluded,",
            "\(firms[1]),T-Q1,excluded,",
            "\(firms[0]),T-Q2,eligible,200.00",
            "\(firms[1]),T-Q2,eligible,200.00",
            "\(e),T-YB,unknown,",
            "\(a),T-YB,eligible,10.00",
            "\(b),T-YB,eligible,10.00",
            "\(c),T-YB,eligible,10.00",
            "H1,T-YE,eligible,3600.00",
        ])
        XCTAssertFalse(csv.stdout.hasPrefix("\u{FEFF}"))

        let all = try run(["results", "--all", "--format", "csv"]).stdout
        let rows = all.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, 5 + 5 + 3 + 2 + 2, "every (entity, policy in scope) once: 居民 5 × 2, 家庭 3, 企业 2 × 2")
        XCTAssertEqual(Set(rows.map { $0[0] + "|" + $0[1] }).count, rows.count)
        XCTAssertEqual(rows.map { [$0[1], $0[0]] }, rows.map { [$0[1], $0[0]] }.sorted { $0.lexicographicallyPrecedes($1) }, "by policy, then entity")
        XCTAssertTrue(rows.contains(["\(d)", "T-GL", "ineligible", ""]), "ineligible rows have no amount")
        XCTAssertEqual(rows.filter { $0[2] == "ineligible" }.count, 6, "T-GL: B, C, D; T-YB: D; T-YE: H2, H3")

        let json = try run(["results", "--policy", "T-GL", "--format", "json"]).stdout.split(separator: "\n")
        XCTAssertEqual(json.count, 2)
        let first = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json[1].utf8)) as? [String: Any])
        XCTAssertEqual(first["amount"] as? String, "100.00", "amounts are exact decimal strings")
        XCTAssertEqual(first["entity_id"] as? String, a, "ids in full")
        let unknown = try run(["results", "--outcome", "unknown", "--format", "json"]).stdout
        XCTAssertTrue(unknown.contains("\"amount\":null"), unknown)

        XCTAssertEqual(try run(["results", "--policy", "T-XX"]).status, 64, "no such policy in the run")
        let table = try run(["results", "--policy", "T-GL"]).stdout
        XCTAssertTrue(table.contains("超出预算"), table)
        XCTAssertFalse(table.contains(a), "ids masked in tables")
        XCTAssertTrue(table.contains(String(a.prefix(4)) + "**********"), table)

        let wide = try run(["results", "--policy", "T-YE", "--wide", "--format", "csv"]).stdout.split(separator: "\n")
        XCTAssertEqual(wide.first, "entity_id,policy_id,outcome,amount,policy_name,payee_id,street,failed_conditions,missing_fields,review")
        XCTAssertEqual(wide.last?.hasPrefix("H1,T-YE,eligible,3600.00,育儿试算,\(a),"), true, "户主 A receives: \(wide)")
        let street = try run(["results", "--street", "410103002", "--format", "csv"]).stdout.split(separator: "\n")
        XCTAssertEqual(street.dropFirst().map { String($0.prefix(18)) }, [e, e], "E only: T-GL and T-YB")
    }

    /// `--wide` names the fields actually missing for the entity: E has a 户籍地 but no 医保类型,
    /// and the one condition reads both.
    func testWideNamesOnlyTheFieldsTheEntityLacks() throws {
        try dir.write("试算.policy", Self.rules() + """

            政策 T-HB “户籍与医保”
              领域 助医
              对象 居民
              方式 直接兑现
              条件 参保 “户籍在二七区且参加城乡居民医保”：户籍地 属于 二七区 且 医保类型 = 城乡居民
              金额 10 元
            结束
            """)
        try evaluate()
        let result = try run(["results", "--policy", "T-HB", "--wide", "--format", "csv"])
        let wide = result.stdout.split(separator: "\n")
        let row = try XCTUnwrap(wide.first { $0.hasPrefix(e + ",T-HB,unknown") }, result.stdout + result.stderr)
        XCTAssertEqual(row.split(separator: ",", omittingEmptySubsequences: false)[8], "医保类型", String(row))
    }

    func testRunSummaryForMachines() throws {
        let json = try run(["run", "--as-of", "2026-11-27", "--include-drafts", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let lines = try json.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let gl = try XCTUnwrap(lines.first { $0["policy_id"] as? String == "T-GL" })
        XCTAssertEqual(gl["evaluated"] as? Int, 5, "counts are JSON numbers")
        XCTAssertEqual(gl["eligible"] as? Int, 1)
        XCTAssertEqual(gl["over_budget"] as? Int, 1)
        XCTAssertEqual(gl["eligible_amount"] as? String, "100.00", "amounts are exact decimal strings")
        XCTAssertEqual(gl["run_id"] as? Int, 1)
        let csv = try run(["run", "--as-of", "2026-11-27", "--include-drafts", "--format", "csv"]).stdout.split(separator: "\n")
        XCTAssertEqual(csv.first, "run_id,policy_id,subject,evaluated,eligible,ineligible,unknown,excluded,over_budget,eligible_amount,excluded_amount,over_budget_amount")
        XCTAssertTrue(csv.contains("2,T-Q1,企业,2,0,0,0,2,0,0.00,200.00,0.00"), "\(csv)")
    }

    func testTwoRunsOnTheSameInputsGiveTheSameBytesAndHash() throws {
        try evaluate()
        try evaluate()
        let first = try run(["results", "--run", "1", "--all", "--format", "csv"]).stdout
        let second = try run(["results", "--run", "2", "--all", "--format", "csv"]).stdout
        XCTAssertEqual(first, second)
        let ledger = try run(["runs", "list", "--format", "csv"]).stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(ledger.first?[9], "results_sha256")
        XCTAssertEqual(ledger.count, 3)
        XCTAssertEqual(ledger[1][9], ledger[2][9])
        XCTAssertEqual(ledger[1][8], ledger[2][8], "the same rule set")
        XCTAssertEqual(ledger[1][9], try sha256(first), "the ledger's hash is that of results --all --format csv")
        let table = try run(["runs", "list"]).stdout
        XCTAssertTrue(table.contains("columnar-1"), "run uses the columnar engine: \(table)")
    }

    func testExplainEachOutcomeFromTheStoredRun() throws {
        try evaluate()
        let eligible = try run(["explain", a, "T-GL"])
        XCTAssertEqual(eligible.status, 0, eligible.stderr)
        XCTAssertTrue(eligible.stdout.contains("T-GL 高龄：符合，金额 100.00 元"), eligible.stdout)
        XCTAssertTrue(eligible.stdout.contains("✓ 年满 80 周岁（出生日期=1946-11-27）"), eligible.stdout)
        XCTAssertFalse(eligible.stdout.contains("T-YB"), "only the policy asked for")
        XCTAssertTrue(eligible.stdout.contains("以家庭为对象的政策按户解释：mianshen explain H1"), "A stands for H1: \(eligible.stdout)")
        XCTAssertEqual(try run(["explain", a, "T-Q1"]).status, 64, "not a policy for residents")
        let over = try run(["explain", e, "T-GL"]).stdout
        XCTAssertTrue(over.contains("T-GL 高龄：超出预算，按本项应得 100.00 元；年度预算 1500 元已按发放顺序（按 出生日期 降序）用完"), over)
        let unknown = try run(["explain", e, "T-YB"]).stdout
        XCTAssertTrue(unknown.contains("T-YB 居民医保试算：待人工复核"), unknown)
        XCTAssertTrue(unknown.contains("? 参加城乡居民医保（医保类型=未知）"), unknown)
        XCTAssertTrue(unknown.contains("待人工复核：缺少数据 医保类型"), unknown)
        let ineligible = try run(["explain", b, "T-GL"]).stdout
        XCTAssertTrue(ineligible.contains("T-GL 高龄：不符合"), ineligible)
        XCTAssertTrue(ineligible.contains("✗ 年满 80 周岁（出生日期=1946-11-28）"), ineligible)
        let excluded = try run(["explain", firms[0]]).stdout
        XCTAssertTrue(excluded.contains("T-Q1 企业甲：互斥未享，按本项应得 100.00 元；互斥组“培育”中 T-Q2（企业乙）优先，不重复享受"), excluded)
        XCTAssertTrue(excluded.contains("T-Q2 企业乙：符合，金额 200.00 元"), excluded)
        let household = try run(["explain", "H1"]).stdout
        XCTAssertTrue(household.contains("T-YE 育儿试算：符合，金额 3600.00 元"), household)

        let missing = try run(["explain", "41010319990101999X"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("没有评估"), missing.stderr)
        let none = try CLIRunner.run(["explain", a, "--db", dir.file("other.db"), "--rules", dir.path])
        XCTAssertNotEqual(none.status, 0)
    }

    func testNearMissesPassEveryPremiseAndFailOneCondition() throws {
        try evaluate()
        let csv = try run(["near-misses", "T-GL", "--format", "csv"]).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(csv, [
            "entity_id,policy_id,condition,label",
            "\(b),T-GL,年满,年满 80 周岁",
            "\(c),T-GL,年满,年满 80 周岁",
        ], "D fails the 前提 (中原区): not a near miss")
        let only = try run(["near-misses", "T-GL", "--condition", "健在", "--format", "csv"]).stdout
        XCTAssertEqual(only, "entity_id,policy_id,condition,label\n")
        let wrong = try run(["near-misses", "T-GL", "--condition", "本区"])
        XCTAssertEqual(wrong.status, 64, "a 前提 is not a condition one can miss by")
    }

    func testDiffAfterARuleChange() throws {
        try evaluate()
        let changed = try TemporaryDirectory()
        try changed.copySchemas()
        try changed.write("试算.policy", Self.rules(ageLimit: 79, insuranceAmount: 20))
        try evaluate(rules: changed.path)
        let csv = try run(["diff", "1", "2", "--format", "csv"]).stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(csv, [
            "policy_id,entity_id,change,amount_a,amount_b",
            // B (79) now qualifies and, the youngest, is granted first; A is then over budget.
            "T-GL,\(a),no_longer_eligible,100.00,",
            "T-GL,\(b),newly_eligible,,100.00",
            "T-YB,\(a),amount_changed,10.00,20.00",
            "T-YB,\(b),amount_changed,10.00,20.00",
            "T-YB,\(c),amount_changed,10.00,20.00",
        ])
        let table = try run(["diff", "1", "2", "--policy", "T-GL"]).stdout
        XCTAssertTrue(table.contains("T-GL 高龄：新增符合 1，不再符合 1，金额变化 0"), table)
        XCTAssertTrue(table.contains("现超出预算"), table)
        let same = try run(["diff", "1", "1"]).stdout
        XCTAssertTrue(same.contains("两次运行的结果相同。"), same)
    }

    private func sha256(_ text: String) throws -> String {
        let file = try dir.write("hash-me.csv", text)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}
