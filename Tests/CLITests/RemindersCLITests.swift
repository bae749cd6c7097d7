import Foundation
import MianshenTesting
import XCTest

/// `mianshen reminders list` through the built binary: the library's 证照到期提醒 (TX-ZZDQ) on a
/// licence expiring on the last day of its 60-day window and one a day outside it, and a reminder
/// policy not about licences.
final class RemindersCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.file("reminders.db") }
    /// Two fixture enterprises registered in 二七区: (统一社会信用代码, 企业名称, 注册地).
    private var a = ("", "", ""), b = ("", "", "")
    /// A resident whose 残疾人证 (numbered after the 身份证号) expires on day 19.
    private let person = TrialStore.a

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try dir.copySchemas()
        try FileManager.default.copyItem(atPath: RepositoryPaths.rules + "/惠企/证照到期提醒.policy", toPath: dir.file("证照到期提醒.policy"))
        try dir.write("本区企业提醒.policy", """
            政策 T-QYTX “本区企业提醒”
              领域 惠企
              部门 “区工业和信息化局”
              对象 企业
              方式 提醒
              条件 本区注册 “注册地在二七区”：注册地 属于 二七区
            结束
            """)
        try dir.write("残疾人证到期提醒.policy", """
            政策 T-CJZ “残疾人证到期提醒”
              领域 助残
              部门 “区残联”
              对象 居民
              方式 提醒
              条件 将到期 “残疾人证在 30 天内到期”：任一(证照.证照类型 = 残疾人证 且 天数(评估日, 证照.有效期至) >= 0 且 天数(评估日, 证照.有效期至) <= 30)
            结束
            """)
        let header = "id_number,name,gender,birth_date,hukou_division,hukou_type,household_id,relation,phone,alive,dibao,tekun,"
            + "disability_level,school_stage,medical_insurance,annual_income_yuan,farmland_mu,consent_push"
        try dir.write("residents.csv", header + "\n\(person),甲乙,男,1946-11-27,410103001,非农业,H1,户主,13800000001,是,否,否,2,无,城乡居民,1000,0,是\n")
        let lines = try String(contentsOfFile: RepositoryPaths.fixture("enterprises.csv"), encoding: .utf8).split(separator: "\n")
        let local = lines.dropFirst().filter { $0.split(separator: ",")[2].hasPrefix("410103") }.prefix(2)
        XCTAssertEqual(local.count, 2)
        let firms = local.map { line in line.split(separator: ",").map(String.init) }.sorted { $0[0] < $1[0] }
        (a, b) = ((firms[0][0], firms[0][1], firms[0][2]), (firms[1][0], firms[1][1], firms[1][2]))
        try dir.write("enterprises.csv", ([lines[0]] + local).joined(separator: "\n") + "\n")
        // As of 2026-11-01 the window ends on 2026-12-31 (day 60).
        try dir.write("licences.csv", """
            holder_id,holder_kind,license_type,license_no,issue_date,expiry_date
            \(a.0),企业,营业执照,\(a.0),2020-01-01,
            \(a.0),企业,食品经营许可证,JY-A-60,2021-12-31,2026-12-31
            \(a.0),企业,排污许可证,PW-A-10,2021-11-11,2026-11-11
            \(b.0),企业,食品经营许可证,JY-B-61,2022-01-01,2027-01-01
            \(person),个人,残疾人证,\(person)11,2016-01-01,2026-11-20

            """)
        for kind in ["residents", "enterprises", "licences"] {
            try check(["import", kind, dir.file("\(kind).csv")])
        }
        try check(["run", "--as-of", "2026-11-01", "--include-drafts"])
    }

    @discardableResult
    private func check(_ arguments: [String], status: Int32 = 0) throws -> CLIResult {
        let result = try CLIRunner.run(arguments + ["--rules", dir.path, "--db", db])
        XCTAssertEqual(result.status, status, "\(arguments): " + result.stdout + result.stderr)
        return result
    }

    /// The push outbox tells each expiring licence by name, one item per licence keyed by the
    /// licence and its expiry: told once; the licence renewed and expiring again is told again.
    func testThePushOutboxNamesEachExpiringLicence() throws {
        try dir.write("approvals.yaml", try TrialStore.approvals(probe: db))
        try FileManager.default.copyItem(atPath: RepositoryPaths.rules + "/templates", toPath: dir.file("templates"))
        try check(["run", "--as-of", "2026-11-01"])
        try check(["push", "queue", "--now", "2026-11-01T22:00:00+08:00"])
        let bodies = try SQLiteShell.run(db, "SELECT channel || ' ' || body FROM push_messages WHERE payee_id = '\(a.0)'")
        XCTAssertTrue(bodies.contains("食品经营许可证（JY-A-60）将于2026-12-31到期"), bodies)
        XCTAssertTrue(bodies.contains("排污许可证（PW-A-10）将于2026-11-11到期"), bodies)
        XCTAssertFalse(bodies.contains("JY-B-61"), bodies)
        let keys = "SELECT period FROM push_told WHERE policy_id = 'TX-ZZDQ' ORDER BY period"
        XCTAssertEqual(try SQLiteShell.run(db, keys), "排污许可证 PW-A-10 2026-11-11\n食品经营许可证 JY-A-60 2026-12-31\n")
        // The next night: nothing new. Then PW-A-10 is renewed to expire on 2026-12-20: told again.
        try check(["run", "--as-of", "2026-11-02"])
        XCTAssertTrue(try check(["push", "queue", "--now", "2026-11-02T22:00:00+08:00"]).stdout.contains("写入待发消息 0 条"))
        let renewed = try String(contentsOfFile: dir.file("licences.csv"), encoding: .utf8)
            .replacingOccurrences(of: "PW-A-10,2021-11-11,2026-11-11", with: "PW-A-10,2021-11-11,2026-12-20")
        try dir.write("licences.csv", renewed)
        try check(["import", "licences", dir.file("licences.csv")])
        try check(["run", "--as-of", "2026-11-03"])
        try check(["push", "queue", "--now", "2026-11-03T22:00:00+08:00"])
        let night = try SQLiteShell.run(db, "SELECT body FROM push_messages WHERE payee_id = '\(a.0)' AND night = '2026-11-03'")
        XCTAssertTrue(night.contains("排污许可证（PW-A-10）将于2026-12-20到期"), night)
        XCTAssertFalse(night.contains("JY-A-60"), "told before, unchanged: \(night)")
    }

    func testEachLicenceInTheWindowIsOneReminderAndTheDayAfterIsNone() throws {
        let csv = try check(["reminders", "list", "--format", "csv"]).stdout
        XCTAssertEqual(csv.split(separator: "\n").first, "policy_id,holder_id,holder_name,street,license_type,license_no,expiry_date,days_left,office")
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let licences = rows.filter { $0[0] == "TX-ZZDQ" }
        XCTAssertEqual(licences.map { [$0[1], $0[2], $0[4], $0[5], $0[6], $0[7], $0[8]] }, [
            [a.0, a.1, "排污许可证", "PW-A-10", "2026-11-11", "10", "区政务服务和大数据管理局"],
            [a.0, a.1, "食品经营许可证", "JY-A-60", "2026-12-31", "60", "区政务服务和大数据管理局"],
        ], "most urgent first; B's licence expires on day 61 and 营业执照 never")
        XCTAssertFalse(csv.contains("JY-B-61"))
        XCTAssertTrue(licences.allSatisfy { $0[3].hasSuffix("街道（\(a.2)）") || $0[3].hasSuffix("镇（\(a.2)）") || $0[3].hasSuffix("乡（\(a.2)）") }, "the street by name: \(licences.map { $0[3] })")

        let plain = rows.filter { $0[0] == "T-QYTX" }
        XCTAssertEqual(plain.map { [$0[1], $0[4], $0[5], $0[6], $0[7], $0[8]] }, [
            [a.0, "", "", "", "", "区工业和信息化局"], [b.0, "", "", "", "", "区工业和信息化局"],
        ], "a reminder not about licences: one per entity, no licence")

        XCTAssertTrue(csv.contains("\nT-CJZ,\(person),甲乙,淮河路街道（410103001）,残疾人证,\(person)11,2026-11-20,19,区残联\n"), "the CSV is unmasked")

        let only = try check(["reminders", "list", "--format", "csv", "--policy", "T-QYTX"]).stdout
        XCTAssertEqual(only.split(separator: "\n").count, 3)
    }

    func testTheTableMasksTheHolder() throws {
        let table = try check(["reminders", "list"]).stdout
        XCTAssertTrue(table.contains("运行 1（评估日 2026-11-01）的提醒：5 条，涉及 3 项政策。"), table)
        XCTAssertFalse(table.contains(a.0), "统一社会信用代码 masked")
        XCTAssertFalse(table.contains(a.1), "名称 masked")
        XCTAssertTrue(table.contains(masked(a.0)), table)
        XCTAssertTrue(table.contains(String(a.1.prefix(1)) + String(repeating: "*", count: a.1.count - 1)), table)
        XCTAssertTrue(table.contains("JY-A-60"), "an enterprise's licence number is not personal data")
        XCTAssertFalse(table.contains(person), "a person's 身份证号 is masked, in the licence number too")
        XCTAssertTrue(table.contains("T-CJZ    \(masked(person))  甲*"), table)
        XCTAssertTrue(table.contains(masked(person + "11")), table)
        let unmasked = try check(["reminders", "list", "--unmask", "--purpose", "测试"]).stdout
        XCTAssertTrue(unmasked.contains(a.0) && unmasked.contains(a.1), unmasked)
    }

    func testAPolicyTheRunDidNotEvaluateIsAUsageError() throws {
        let result = try check(["reminders", "list", "--policy", "NO-SUCH"], status: 64)
        XCTAssertTrue(result.stderr.contains("运行 1 中没有政策 NO-SUCH"), result.stderr)
    }

    /// The first 4 and last 4 characters kept, as the tool masks ID numbers.
    private func masked(_ id: String) -> String {
        String(id.prefix(4)) + String(repeating: "*", count: id.count - 8) + String(id.suffix(4))
    }
}
