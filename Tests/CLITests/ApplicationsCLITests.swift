import Foundation
import MianshenTesting
import XCTest

/// `applications generate` on the fixtures (run as of 2025-12-01), with two licences added: one
/// eligible firm's 营业执照 expired 11 days before, another's expiring in 19 days.
final class ApplicationsCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private let expiredFirm = "914101036792673849"
    private let expiringFirm = "91410103MA3364561H"

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        let licences = try String(contentsOfFile: RepositoryPaths.fixture("licences.csv"), encoding: .utf8)
        try dir.write("licences.csv", licences + """
            \(expiredFirm),企业,营业执照,\(expiredFirm),2015-01-01,2025-11-20
            \(expiringFirm),企业,营业执照,\(expiringFirm),2015-01-01,2025-12-20

            """)
        for (kind, file) in [("residents", RepositoryPaths.fixture("residents.csv")), ("enterprises", RepositoryPaths.fixture("enterprises.csv")),
                             ("licences", dir.file("licences.csv")), ("residents", RepositoryPaths.fixture("residents_zh.csv"))] {
            let result = try run(["import", kind, file])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let evaluated = try run(["run", "--as-of", "2025-12-01"])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
    }

    private func run(_ arguments: [String], rules: String = RepositoryPaths.rules) throws -> CLIResult {
        try CLIRunner.run(arguments + ["--db", dir.file("apps.db"), "--rules", rules])
    }

    private func generate(_ out: String, rules: String = RepositoryPaths.rules, _ extra: [String] = []) throws -> CLIResult {
        try run(["applications", "generate", "--out", dir.file(out)] + extra, rules: rules)
    }

    private func files(_ out: String) throws -> [String: Data] {
        let root = dir.file(out)
        var found: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [:] }
        for case let name as String in walker {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            found[name] = FileManager.default.contents(atPath: root + "/" + name)
        }
        return found
    }

    /// QY-KGBZ (依申请, with a form) is not valid on 2026-11-27: its form is still the form of a
    /// known policy, so the other policies' applications are generated.
    func testARunWithoutAPolicyThatHasAFormStillGeneratesTheOthers() throws {
        let later = try run(["run", "--as-of", "2026-11-27"])
        XCTAssertEqual(later.status, 0, later.stderr)
        let result = try generate("later")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse(result.stderr.contains("不是规则库中依申请办理的政策"), result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("later/index.csv")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("later/QY-KGBZ")))
    }

    func testEveryEligibleApplicationPolicyGetsAValidatedApplicationAndTheIndexListsThem() throws {
        let result = try generate("apps")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("生成申请表 80 份"), result.stdout)
        for line in ["QY-GXRD 高新技术企业认定奖励　4 份", "QY-KGBZ 一次性扩岗补助　39 份", "QY-SCSG 首次升规奖励　5 份", "YY-YEBT 育儿补贴　30 份",
                     "ZX-GZZX 普通高中国家助学金　2 份"] {
            XCTAssertTrue(result.stdout.contains(line), line + "\n" + result.stdout)
        }
        XCTAssertFalse(result.stdout.contains("未通过 XSD 校验"), result.stdout)
        let written = try files("apps")
        let index = try XCTUnwrap(written["index.csv"].map { String(decoding: $0, as: UTF8.self) })
        XCTAssertTrue(index.hasPrefix("\u{FEFF}application_no,policy_id,policy_title,period,entity_id,payee_id,amount,flagged_materials,xml,html\n"))
        let rows = index.split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, 80)
        XCTAssertEqual(written.keys.filter { $0.hasSuffix(".xml") }.count, 80)
        XCTAssertEqual(written.keys.filter { $0.hasSuffix(".html") }.count, 80)
        // The same numbers the policy's result rows give: one per eligible entity.
        let results = try run(["results", "--policy", "QY-KGBZ", "--outcome", "eligible", "--format", "csv"])
        XCTAssertEqual(results.stdout.split(separator: "\n").count - 1, 39, results.stdout)
    }

    func testRegeneratingGivesByteIdenticalFilesAndTheSameNumbers() throws {
        let first = try generate("first")
        XCTAssertEqual(first.status, 0)
        XCTAssertFalse(first.stderr.contains("之后又有导入"), first.stderr)
        // A later run of the same as-of date over the same data: the same benefit, the same number.
        XCTAssertEqual(try run(["run", "--as-of", "2025-12-01"]).status, 0)
        XCTAssertEqual(try generate("second").status, 0)
        let firstFiles = try files("first"), second = try files("second")
        XCTAssertEqual(firstFiles.count, 161)
        XCTAssertEqual(Set(firstFiles.keys), Set(second.keys))
        for (name, data) in firstFiles { XCTAssertEqual(data, second[name], name) }
        // Data imported after the run: the applications would show today's values, and say so.
        XCTAssertEqual(try run(["import", "enterprises", RepositoryPaths.fixture("enterprises.csv"), "--full"]).status, 0)
        let stale = try generate("third")
        XCTAssertEqual(stale.status, 0)
        XCTAssertTrue(stale.stderr.contains("运行 2 之后又有导入"), stale.stderr)
    }

    func testRegeneratingIntoTheSameDirectoryRemovesApplicationsNoLongerDue() throws {
        XCTAssertEqual(try generate("apps").status, 0)
        let stale = dir.file("apps/QY-KGBZ/QY-KGBZ-ONCE-0000000000000000.xml")
        try Data("<old/>".utf8).write(to: URL(fileURLWithPath: stale))
        let mine = dir.file("apps/QY-KGBZ/说明.txt")
        try Data("officer's note".utf8).write(to: URL(fileURLWithPath: mine))
        XCTAssertEqual(try generate("apps").status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: mine))
        XCTAssertEqual(try files("apps").count, 162)
    }

    func testExpiredAndExpiringLicencesAreFlaggedInTheApplicationAndTheSummary() throws {
        let result = try generate("apps", rules: RepositoryPaths.rules, ["--policy", "QY-KGBZ"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("\(expiredFirm)　营业执照 \(expiredFirm)　已过期（过期 11 天）"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\(expiringFirm)　营业执照 \(expiringFirm)　即将到期（剩 19 天）"), result.stdout)
        let written = try files("apps")
        let index = String(decoding: try XCTUnwrap(written["index.csv"]), as: UTF8.self)
        let row = try XCTUnwrap(index.split(separator: "\n").first { $0.contains(expiredFirm) })
        XCTAssertTrue(row.contains("营业执照：已过期（过期 11 天）"), String(row))
        let xmlName = String(try XCTUnwrap(row.split(separator: ",").dropLast().last))
        let xml = String(decoding: try XCTUnwrap(written[xmlName]), as: UTF8.self)
        XCTAssertTrue(xml.contains("<material status=\"已过期\">"), xml)
        XCTAssertTrue(xml.contains("<expires>2025-11-20</expires>"), xml)
        let html = String(decoding: try XCTUnwrap(written[xmlName.replacingOccurrences(of: ".xml", with: ".html")]), as: UTF8.self)
        XCTAssertTrue(html.contains("<td class=\"flag\">已过期（过期 11 天）</td>"), html)
    }

    func testPersonalDataIsMaskedWhereTheFormSaysAndInTheIndex() throws {
        XCTAssertEqual(try generate("apps", rules: RepositoryPaths.rules, ["--policy", "ZX-GZZX"]).status, 0)
        let written = try files("apps")
        let index = String(decoding: try XCTUnwrap(written["index.csv"]), as: UTF8.self)
        let rows = index.split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, 2)
        for row in rows {
            let cells = row.split(separator: ",").map(String.init)
            XCTAssertNotNil(cells[4].range(of: #"^\d{4}\*{10}\d{3}[\dX]$"#, options: .regularExpression), String(row))
            XCTAssertNotNil(cells[5].range(of: #"^\d{4}\*{10}\d{3}[\dX]$"#, options: .regularExpression), String(row))
        }
        let residents = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        let allIDs = residents.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
        for (name, data) in written where name.hasSuffix(".xml") || name.hasSuffix(".html") {
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertNil(allIDs.first { text.contains($0) }, "\(name) shows a full 身份证号")
            XCTAssertTrue(text.contains("**********"), name)
        }
    }

    func testThePageShowsTheAmountWithItsCalculationTheConditionsMetAndThePayee() throws {
        XCTAssertEqual(try generate("apps", rules: RepositoryPaths.rules, ["--policy", "ZX-GZZX"]).status, 0)
        let pages = try files("apps").filter { $0.key.hasSuffix(".html") }
        XCTAssertEqual(pages.count, 2)
        for (name, data) in pages {
            let html = String(decoding: data, as: UTF8.self)
            for expected in [
                "<h1>普通高中国家助学金申请表</h1>", "人民币 2300.00 元",
                "<li>计算方法：高中国家助学金标准 元</li>", "<li>所用数据：高中国家助学金标准=2300 元（自 2025-03-01 起）</li>",
                "<li>✓ 在读普通高中或中职（在读学段=高中）</li>", "<li>✓ 前提：户籍在二七区（户籍地=", "<th>领取人（居民）</th>", "<th>监护人与户主关系</th>", "<td>户主</td>",
                "受益期：2025年", "申请人（签字或盖章）", "@page { size: A4;",
            ] {
                XCTAssertTrue(html.contains(expected), "\(name) lacks \(expected)")
            }
        }
    }

    func testAFormWithAFactThatDoesNotExistIsRejectedNamingFileLineAndField() throws {
        let rules = try copyRules()
        let form = rules + "/forms/QY-KGBZ.form.yaml"
        let text = try String(contentsOfFile: form, encoding: .utf8)
        try text.replacingOccurrences(of: "fact: 新招高校毕业生人数", with: "fact: 新招毕业生人数").write(toFile: form, atomically: true, encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("fact: 新招高校毕业生人数") }) + 1
        let result = try generate("apps", rules: rules)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stderr.contains("申请表定义有误（1 处）"), result.stderr)
        XCTAssertTrue(
            result.stderr.contains("\(form):\(line): 字段 new_graduates_hired：fact “新招毕业生人数”不是政策对象（企业）的数据字段。您是否想写“新招高校毕业生人数”？"),
            result.stderr
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("apps/index.csv")))
    }

    func testAFieldWhoseXSDTypeDoesNotFitTheDataFailsValidationAndIsNotKept() throws {
        let rules = try copyRules()
        // Both the XSD and the form now say 新招高校毕业生人数 is a date: the form loads, but no
        // application of QY-KGBZ is valid, so none is kept.
        try edit(rules + "/forms/applications.xsd", "name=\"new_graduates_hired\" type=\"Count\"", "name=\"new_graduates_hired\" type=\"Date\"")
        try edit(rules + "/forms/QY-KGBZ.form.yaml", "fact: 新招高校毕业生人数, type: Count", "fact: 新招高校毕业生人数, type: Date")
        let result = try generate("apps", rules: rules, ["--policy", "QY-KGBZ"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("未通过 XSD 校验、未保存：39 份"), result.stdout)
        XCTAssertTrue(result.stdout.contains("new_graduates_hired"), result.stdout)
        XCTAssertTrue(result.stdout.contains("生成申请表 0 份"), result.stdout)
        XCTAssertEqual(try files("apps").keys.sorted(), ["index.csv"])
    }

    /// A firm eligible in the run but retired by a later full extract gets no blank form: it is
    /// listed as gone, and the others are written as before.
    func testAnEntityRetiredAfterTheRunGetsNoApplication() throws {
        XCTAssertEqual(try generate("before").status, 0)
        let index = try String(contentsOfFile: dir.file("before/index.csv"), encoding: .utf8)
        let row = try XCTUnwrap(index.split(separator: "\n").first { $0.hasPrefix("QY-GXRD-") })
        let firm = String(row.split(separator: ",")[4])
        let firms = try String(contentsOfFile: RepositoryPaths.fixture("enterprises.csv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix(firm + ",") }.joined(separator: "\n") + "\n"
        XCTAssertEqual(try run(["import", "enterprises", try dir.write("firms.csv", firms), "--full"]).status, 0)
        let after = try generate("after")
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertTrue(after.stdout.contains("档案中已没有、未生成：1 份") && after.stdout.contains(firm), after.stdout)
        XCTAssertTrue(after.stdout.contains("QY-GXRD 高新技术企业认定奖励　3 份"), after.stdout)
    }

    /// History is ordered by the time as written, so a time in another writing is refused, naming
    /// the file and line, and nothing of the file is recorded.
    func testAStatusTimeInAnotherWritingIsRefusedWithFileAndLine() throws {
        XCTAssertEqual(try generate("apps").status, 0)
        let index = try String(contentsOfFile: dir.file("apps/index.csv"), encoding: .utf8)
        let number = try XCTUnwrap(index.split(separator: "\n").dropFirst().first.map { String($0.prefix { $0 != "," }) })
        let path = try dir.write("times.csv", "application_no,status,time\n\(number),已确认,2025-12-03T09:00\n\(number),已办结,2025/12/8 16:00\n")
        let refused = try run(["applications", "import-status", path])
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("times.csv:3") && refused.stderr.contains("时间“2025/12/8 16:00”无法识别"), refused.stderr)
        let good = try dir.write("good.csv", "application_no,status,time\n\(number),已确认,2025-12-03T09:00\n")
        XCTAssertTrue(try run(["applications", "import-status", good]).stdout.contains("新记录 1 条"), "nothing of the refused file was kept")
        // GB18030, as the platform's exports often are: read as the import reads it.
        let gb = dir.file("gb.csv")
        try Data(Transcode.encode("申请编号,状态,时间\n\(number),已受理,2025-12-04T09:00\n", to: "GB18030")).write(to: URL(fileURLWithPath: gb))
        let fromGB = try run(["applications", "import-status", gb])
        XCTAssertEqual(fromGB.status, 0, fromGB.stderr)
        XCTAssertTrue(fromGB.stdout.contains("读取 1 条申请状态，新记录 1 条"), fromGB.stdout)
    }

    /// Forms are checked against the policies that exist: an older run without a policy added
    /// since (that has a form) still gets its applications, none for the policy it lacks.
    func testAnOlderRunWithoutAPolicyThatHasAFormStillGenerates() throws {
        let rules = try copyRules()
        for name in ["普通高中国家助学金.policy", "普通高中国家助学金.test.yaml"] {
            try FileManager.default.removeItem(atPath: rules + "/助学/" + name)
        }
        let older = try run(["run", "--as-of", "2025-12-01"], rules: rules)
        XCTAssertEqual(older.status, 0, older.stdout + older.stderr)
        let result = try generate("older", rules: RepositoryPaths.rules, ["--run", "2"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("QY-KGBZ 一次性扩岗补助　39 份"), result.stdout)
        XCTAssertFalse(result.stdout.contains("ZX-GZZX"), result.stdout)
    }

    /// The payee is worked out as the grants ledger works it out: a student paid to the 监护人
    /// whose household the data do not give gets no application naming the student as payee.
    func testAnApplicationWhosePayeeTheDataDoNotGiveIsListedNotAddressedToTheEntity() throws {
        let eligible = try run(["results", "--policy", "ZX-GZZX", "--outcome", "eligible", "--format", "csv"]).stdout
        let students = eligible.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
        XCTAssertEqual(students.count, 2, eligible)
        let student = try XCTUnwrap(students.first)
        // The import requires a 户号, so the store is edited directly (as a record left without one
        // by an older store would be), the column cache dropped with it.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [dir.file("apps.db"), "UPDATE residents SET household_id = NULL WHERE id_number = '\(student)'; DELETE FROM column_cache;"]
        try sqlite.run()
        sqlite.waitUntilExit()
        XCTAssertEqual(sqlite.terminationStatus, 0)
        XCTAssertEqual(try run(["run", "--as-of", "2025-12-01"]).status, 0)
        let still = try run(["results", "--policy", "ZX-GZZX", "--outcome", "eligible", "--format", "csv"]).stdout
        XCTAssertTrue(still.contains(student), "still eligible (a household of one): " + still)
        let result = try generate("apps")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("ZX-GZZX 普通高中国家助学金　1 份"), result.stdout)
        XCTAssertTrue(result.stdout.contains("领取人在档案中缺失、未生成：1 份"), result.stdout)
        XCTAssertFalse(result.stdout.contains(student), "masked")
    }

    func testAPolicyThatIsNotByApplicationIsAUsageError() throws {
        let result = try generate("apps", rules: RepositoryPaths.rules, ["--policy", "YL-GLJT"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("政策 YL-GLJT 不是依申请办理的政策"), result.stderr)
    }

    private func copyRules() throws -> String {
        let target = dir.file("rules")
        try FileManager.default.copyItem(atPath: RepositoryPaths.rules, toPath: target)
        return target
    }

    private func edit(_ path: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains(old), "\(path) has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Statuses back from the 一体化政务服务平台: a history per application; a file naming an
    /// unknown number records nothing; a declined benefit is not offered again this period; a
    /// confirmed and completed one becomes a grant (once).
    func testStatusesComeBackDeclinedIsNotOfferedAgainAndCompletedBecomesAGrant() throws {
        XCTAssertEqual(try generate("apps").status, 0)
        let index = try String(contentsOfFile: dir.file("apps/index.csv"), encoding: .utf8)
        let numbers = index.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }.filter { $0.hasPrefix("QY-GXRD-") }
        XCTAssertEqual(numbers.count, 4)
        let (done, declined, pending) = (numbers[0], numbers[1], numbers[2])

        try dir.write("status.csv", """
            申请编号,状态,时间
            \(done),已确认,2025-12-03T09:00
            QY-GXRD-ONCE-0000000000000000,已确认,2025-12-03T09:00

            """)
        let rejected = try run(["applications", "import-status", dir.file("status.csv")])
        XCTAssertEqual(rejected.status, 1)
        XCTAssertTrue(rejected.stderr.contains("status.csv:3：申请编号 QY-GXRD-ONCE-0000000000000000 不是本系统生成的申请"), rejected.stderr)

        try dir.write("status.jsonl", """
            {"application_no": "\(done)", "status": "已确认", "time": "2025-12-03T09:00"}
            {"application_no": "\(declined)", "status": "已拒绝", "time": "2025-12-03T10:00"}
            {"application_no": "\(pending)", "status": "已受理", "time": "2025-12-04T09:00"}
            {"application_no": "\(done)", "status": "已受理", "time": "2025-12-04T09:00"}
            {"application_no": "\(done)", "status": "已办结", "time": "2025-12-08T16:00"}

            """)
        let imported = try run(["applications", "import-status", dir.file("status.jsonl")])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("读取 5 条申请状态，新记录 5 条；已办结记入发放台账 1 笔"), imported.stdout + imported.stderr)
        let again = try run(["applications", "import-status", dir.file("status.jsonl")])
        XCTAssertTrue(again.stdout.contains("新记录 0 条；已办结记入发放台账 0 笔（补发 0、追回 0、未变 1）"), again.stdout)

        let grants = try run(["grants", "list", "--policy", "QY-GXRD", "--format", "csv"]).stdout.split(separator: "\n").dropFirst()
        XCTAssertEqual(grants.count, 1, "only the confirmed and completed application")
        XCTAssertTrue(grants.first?.hasPrefix("\(done)-1,\(done),QY-GXRD,一次性,") == true, "\(grants)")
        XCTAssertTrue(grants.first?.contains(",依申请,发放,200000.00,") == true, "\(grants)")

        // The run posted the 直接兑现 grants too: a household's grant is paid to its 户主.
        let heating = try run(["grants", "list", "--policy", "FR-QNBT", "--format", "csv", "--unmask", "--purpose", "核对收款人"]).stdout.split(separator: "\n").dropFirst()
        XCTAssertFalse(heating.isEmpty)
        for line in heating {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertTrue(cells[4].hasPrefix("H") && cells[5].count == 18, "户号 → the 户主's 身份证号: \(line)")
        }

        let regenerated = try generate("apps")
        XCTAssertTrue(regenerated.stdout.contains("申请人已拒绝、本受益期不再生成：1 份（\(declined)）"), regenerated.stdout)
        let newIndex = try String(contentsOfFile: dir.file("apps/index.csv"), encoding: .utf8)
        XCTAssertFalse(newIndex.contains(declined))
        XCTAssertTrue(newIndex.contains(pending))
    }
}

