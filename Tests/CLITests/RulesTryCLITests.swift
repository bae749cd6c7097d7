import Foundation
import MianshenTesting
import XCTest

/// `rules try`: an officer tries draft policies on the imported profiles, and a help-desk clerk
/// asks why one person got what they got. Expected figures are worked out by hand below.
final class RulesTryCLITests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try dir.copySchemas()
        try dir.write("试算.policy", """
            政策 T-GL “高龄试算”
              领域 养老
              对象 居民
              方式 直接兑现
              有效期 2025-01-01 至 2027-12-31
              周期 月
              预算 2000 元
              前提 本区 “户籍在二七区”：户籍地 属于 二七区
              条件 年满八十 “年满 80 周岁”：周岁(出生日期) >= 80
              条件 健在 “本人健在”：是否健在 = 是
              金额 按 周岁(出生日期) 分档
                [80, 90)  100 元
                [90, 以上) 200 元
              结束
            结束
            \(TrialStore.otherPolicies())
            """)
        try TrialStore.importProfiles(into: dir, db: dir.file("try.db"))
    }

    private func run(_ arguments: [String]) throws -> CLIResult {
        try CLIRunner.run(arguments + ["--rules", dir.path, "--db", dir.file("try.db")])
    }

    static func id(_ body: String, _ sex: String) -> String { TrialStore.id(body, sex) }

    func testTalliesPerPolicyWithReasonsExclusionAndManualReview() throws {
        let result = try run(["rules", "try", "--as-of", "2026-11-27", "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        var rows: [String: [String]] = [:]
        for line in result.stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[cells[0]] = cells
        }
        // id,name,subject,status,evaluated,granted,excluded,ineligible,manual_review,near_misses,amount_yuan,excluded_amount_yuan,…
        XCTAssertEqual(
            result.stdout.split(separator: "\n").first,
            "id,name,subject,status,evaluated,granted,excluded,ineligible,manual_review,near_misses,amount_yuan,excluded_amount_yuan,period,budget_yuan"
        )
        XCTAssertEqual(
            rows["T-GL"]?[4...11], ["5", "2", "0", "3", "0", "2", "200.00", "0.00"],
            "A (80 today) and E (82) qualify; B and C pass the 前提 and miss 年满八十 only; D fails the 前提 (户籍): not a near miss"
        )
        XCTAssertEqual(rows["T-YB"]?[4...11], ["5", "3", "0", "1", "1", "", "30.00", "0.00"], "no 前提: no near misses")
        XCTAssertEqual(rows["T-YE"]?[4...11], ["3", "1", "0", "2", "0", "", "3600.00", "0.00"], "one 前提 and one other condition: none")
        XCTAssertEqual(rows["T-Q2"]?[4...11], ["2", "2", "0", "0", "0", "", "400.00", "0.00"], "就高: the larger amount wins")
        XCTAssertEqual(
            rows["T-Q1"]?[4...11], ["2", "0", "2", "0", "0", "", "0.00", "200.00"],
            "both firms qualify for T-Q1 but receive T-Q2: 互斥未享, not 符合（享受）, and their 100 元 each is not paid"
        )
        for (id, row) in rows {
            let counts = row[5...8].compactMap { Int($0) }
            XCTAssertEqual(counts.reduce(0, +), Int(row[4]), "\(id): 评估 = 符合（享受）+ 互斥未享 + 不符合 + 待复核")
        }
        XCTAssertEqual(
            result.stdout.split(separator: "\n").dropFirst().map { String($0.prefix(while: { $0 != "," })) },
            ["T-GL", "T-Q1", "T-Q2", "T-YB", "T-YE"], "by id, not in the order written"
        )

        let table = try run(["rules", "try", "T-GL", "--as-of", "2026-11-27"])
        XCTAssertTrue(table.stdout.contains("读取 居民 5"), table.stdout)
        XCTAssertTrue(table.stdout.contains("政策按编号排序"), table.stdout)
        XCTAssertTrue(table.stdout.contains("T-GL　不满足：年满 80 周岁 2、户籍在二七区 1"), table.stdout)
        XCTAssertFalse(table.stdout.contains("T-YB"), "only the policy asked for")
        XCTAssertTrue(table.stdout.contains("注意：T-GL 按年计的金额 2400.00 元（每月 200.00 元 × 12）超出年度预算 2000 元。"), table.stdout)

        let all = try run(["rules", "try", "--as-of", "2026-11-27"]).stdout
        XCTAssertTrue(all.contains("T-Q1　互斥未享 2：符合本项，但享受互斥组“培育”中的另一项，按本项应得 200.00 元，不计入享受金额。"), all)
        XCTAssertTrue(all.contains("评估 = 符合（享受）+ 互斥未享 + 不符合 + 待复核；享受金额只计“符合（享受）”的对象"), all)
        XCTAssertTrue(all.contains("差一项：前提全部满足、其余条件恰好一项不满足。“—”：该政策没有写前提"), all)
        let yb = try XCTUnwrap(all.split(separator: "\n").first { $0.hasPrefix("T-YB") })
        XCTAssertTrue(yb.contains(" — "), "no near-miss figure for a policy without 前提: \(yb)")

        let published = try run(["rules", "try", "--published", "--as-of", "2026-11-27", "--format", "csv"])
        XCTAssertEqual(published.stdout.split(separator: "\n").count, 1, "drafts left out: header only")
    }

    func testExplainsOnePersonConditionByConditionWithMaskedKey() throws {
        let a = Self.id("41010319461127001", "男")
        let result = try run(["rules", "try", "--entity", a, "--as-of", "2026-11-27"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("4101**********"), result.stdout)
        XCTAssertFalse(result.stdout.contains(a), "the 身份证号 is masked")
        XCTAssertTrue(result.stdout.contains("户号 H1，家庭成员 3 人（含本人）"), result.stdout)
        XCTAssertTrue(result.stdout.contains("  ✓ 前提：户籍在二七区（户籍地=淮河路街道（410103001））"), result.stdout)
        XCTAssertTrue(result.stdout.contains("T-GL 高龄试算：符合，金额 100.00 元"), result.stdout)
        XCTAssertTrue(result.stdout.contains("✓ 年满 80 周岁（出生日期=1946-11-27）"), result.stdout)
        XCTAssertTrue(result.stdout.contains("T-YE 育儿试算：符合，金额 3600.00 元"), "A is the 户主")
        XCTAssertTrue(result.stdout.contains("✓ 家庭中有 3 周岁以下婴幼儿（家庭成员.出生日期=1946-11-27、1946-11-28、2025-01-10）"), "every member's value: \(result.stdout)")

        let b = try run(["rules", "try", "--entity", Self.id("41010319461128002", "女"), "--as-of", "2026-11-27"])
        XCTAssertTrue(b.stdout.contains("✗ 年满 80 周岁（出生日期=1946-11-28）"), b.stdout)
        XCTAssertFalse(b.stdout.contains("T-YE"), "a household policy is explained for its 户主 only")
        XCTAssertTrue(b.stdout.contains("以家庭为对象的政策按代表本户的成员评估，不在此列；按户解释：mianshen rules try --entity H1"), b.stdout)

        let e = try run(["rules", "try", "--entity", Self.id("41010319440505005", "男"), "--as-of", "2026-11-27"])
        XCTAssertTrue(e.stdout.contains("T-YB 居民医保试算：待人工复核"), e.stdout)
        XCTAssertTrue(e.stdout.contains("? 参加城乡居民医保（医保类型=未知）"), e.stdout)
    }

    /// JSON Lines as `run --format json` writes them: counts are JSON numbers, amounts exact
    /// decimal strings, empty cells null; the same figures as the CSV.
    func testJSONLinesCarryCountsAsNumbersAndAmountsAsDecimalStrings() throws {
        let result = try run(["rules", "try", "--as-of", "2026-11-27", "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        var objects: [String: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            objects[try XCTUnwrap(object["id"] as? String)] = object
        }
        XCTAssertEqual(objects.keys.sorted(), ["T-GL", "T-Q1", "T-Q2", "T-YB", "T-YE"])
        let gl = try XCTUnwrap(objects["T-GL"])
        XCTAssertTrue(result.stdout.contains("\"evaluated\":5,"), result.stdout)
        Self.expect(gl, counts: ["evaluated": 5, "granted": 2, "excluded": 0, "ineligible": 3, "manual_review": 0, "near_misses": 2])
        Self.expect(gl, texts: [
            "amount_yuan": "200.00", "excluded_amount_yuan": "0.00", "budget_yuan": "2000", "period": "月", "name": "高龄试算",
        ])
        XCTAssertTrue(objects["T-YB"]?["near_misses"] is NSNull, "no near-miss figure: null, not \"\"")
        XCTAssertEqual(objects["T-Q1"]?["excluded"] as? Int, 2)
        XCTAssertEqual(objects["T-Q1"]?["excluded_amount_yuan"] as? String, "200.00")

        let edited = try loweredTo79()
        let against = try CLIRunner.run([
            "rules", "try", "T-GL", "--as-of", "2026-11-27", "--format", "json",
            "--rules", edited.path, "--against", dir.path, "--db", dir.file("try.db"),
        ])
        XCTAssertEqual(against.status, 0, against.stdout + against.stderr)
        let row = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(against.stdout.utf8)) as? [String: Any])
        Self.expect(row, counts: ["eligible_before": 2, "eligible_now": 3, "gained": 1, "lost": 0])
        Self.expect(row, texts: ["amount_before_yuan": "200.00", "amount_now_yuan": "300.00", "amount_change_yuan": "+100.00"])
    }

    static func expect(_ object: [String: Any], counts: [String: Int] = [:], texts: [String: String] = [:]) {
        for (key, value) in counts { XCTAssertEqual(object[key] as? Int, value, "\(key) is a JSON number: \(object)") }
        for (key, value) in texts { XCTAssertEqual(object[key] as? String, value, "\(key) is a string: \(object)") }
    }

    /// A copy of the rules with 高龄试算 from 79 instead of 80 (condition and first tier).
    private func loweredTo79() throws -> TemporaryDirectory {
        let edited = try TemporaryDirectory()
        try edited.copySchemas()
        let original = try String(contentsOfFile: dir.file("试算.policy"), encoding: .utf8)
        try edited.write("试算.policy", original
            .replacingOccurrences(of: "周岁(出生日期) >= 80", with: "周岁(出生日期) >= 79")
            .replacingOccurrences(of: "[80, 90)", with: "[79, 90)"))
        return edited
    }

    /// “What if we lowered the age to 79?” — the edited copy against the current rules.
    func testComparingTwoVersionsCountsWhoGainsAndLoses() throws {
        let edited = try loweredTo79()
        let result = try CLIRunner.run([
            "rules", "try", "T-GL", "T-YB", "--as-of", "2026-11-27", "--format", "csv",
            "--rules", edited.path, "--against", dir.path, "--db", dir.file("try.db"),
        ])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "id,name,eligible_before,eligible_now,gained,lost,amount_before_yuan,amount_now_yuan,amount_change_yuan")
        XCTAssertTrue(lines.contains("T-GL,高龄试算,2,3,1,0,200.00,300.00,+100.00"), "B (79) gains: \(lines)")
        XCTAssertTrue(lines.contains("T-YB,居民医保试算,3,3,0,0,30.00,30.00,0.00"), "\(lines)")
        let table = try CLIRunner.run([
            "rules", "try", "--as-of", "2026-11-27", "--rules", edited.path, "--against", dir.path, "--db", dir.file("try.db"),
        ])
        XCTAssertTrue(table.stdout.contains("1 项政策的结果有变化"), table.stdout)
    }

    /// The explanation decides like the batch: 互斥组 applied, and a household without a 户主
    /// explained for the member that stands for it.
    func testExplanationsFollowTheBatchOnExclusionAndHouseholds() throws {
        let firm = try run(["rules", "try", "--entity", "91410103MAG9L59XT1", "--as-of", "2026-11-27"])
        XCTAssertEqual(firm.status, 0, firm.stderr)
        XCTAssertTrue(firm.stdout.contains("T-Q2 企业乙：符合，金额 200.00 元\n"), firm.stdout)
        XCTAssertTrue(firm.stdout.contains("T-Q1 企业甲：符合，金额 100.00 元（互斥组“培育”中另一项政策优先，不重复享受）"), firm.stdout)

        // H4 has no 户主: the smaller 身份证号 stands for it, as in the batch.
        let first = Self.id("41010320200101006", "男"), second = Self.id("41010320250301007", "女")
        let header = "id_number,name,gender,birth_date,hukou_division,hukou_type,household_id,relation,phone,alive,dibao,tekun,disability_level,school_stage,medical_insurance,annual_income_yuan,farmland_mu,consent_push"
        try dir.write("h4.csv", [
            header,
            first + ",己,男,2020-01-01,410103001,非农业,H4,子女,,是,否,否,,小学,城乡居民,0,0,是",
            second + ",庚,女,2025-03-01,410103001,非农业,H4,其他,,是,否,否,,无,城乡居民,0,0,是",
        ].joined(separator: "\n") + "\n")
        XCTAssertEqual(try run(["import", "residents", dir.file("h4.csv")]).status, 0)
        let stands = try run(["rules", "try", "T-YE", "--entity", first, "--as-of", "2026-11-27"])
        XCTAssertTrue(stands.stdout.contains("T-YE 育儿试算：符合，金额 3600.00 元"), stands.stdout)
        let other = try run(["rules", "try", "T-YE", "--entity", second, "--as-of", "2026-11-27"])
        XCTAssertTrue(other.stdout.contains("（没有适用于该对象的政策）"), other.stdout)
        let byNumber = try run(["rules", "try", "T-YE", "--entity", "H4", "--as-of", "2026-11-27"])
        XCTAssertTrue(byNumber.stdout.contains("家庭成员 2 人；以家庭为对象的政策按成员 4101**********"), byNumber.stdout)
        XCTAssertTrue(byNumber.stdout.contains(" 的档案（本户没有登记户主，取身份证号最小者）评估"), byNumber.stdout)
        XCTAssertTrue(byNumber.stdout.contains("T-YE 育儿试算：符合，金额 3600.00 元"), byNumber.stdout)

        let json = try run(["rules", "try", "--entity", first, "--format", "json"])
        XCTAssertEqual(json.status, 64, "the explanation is text only: \(json.stderr)")
        XCTAssertTrue(json.stderr.contains("--entity 的逐条解释只输出文字"), json.stderr)
    }

    /// A household is addressed by its 户号, shown in full (it is not personal data): its 家庭
    /// policies are explained condition by condition for the member that stands for it.
    func testHouseholdsByTheirOwnNumber() throws {
        let result = try run(["rules", "try", "--entity", "H1", "--as-of", "2026-11-27"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "户号 H1　评估日 2026-11-27")
        XCTAssertTrue(lines.contains("家庭成员 3 人；以家庭为对象的政策按户主 4101**********\(Self.id("41010319461127001", "男").suffix(4)) 的档案评估"), result.stdout)
        XCTAssertTrue(lines.contains("T-YE 育儿试算：符合，金额 3600.00 元"), result.stdout)
        XCTAssertTrue(lines.contains("  ✓ 前提：户籍在二七区（户籍地=淮河路街道（410103001））"), result.stdout)
        XCTAssertTrue(lines.contains("  ✓ 家庭中有 3 周岁以下婴幼儿（家庭成员.出生日期=1946-11-27、1946-11-28、2025-01-10）"), result.stdout)
        XCTAssertFalse(result.stdout.contains("T-GL"), "a household is explained for its 家庭 policies only")
        XCTAssertEqual(try run(["rules", "try", "--entity", "h1", "--as-of", "2026-11-27"]).stdout, result.stdout, "typed in lower case")

        let missing = try run(["rules", "try", "--entity", "H4101039999999"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("数据库中没有 H4101039999999 的档案（身份证号、统一社会信用代码或户号）"), missing.stderr)

        let profile = try CLIRunner.run(["profile", "H1", "--db", dir.file("try.db")])
        XCTAssertEqual(profile.status, 0, profile.stderr)
        XCTAssertTrue(profile.stdout.hasPrefix("家庭户 H1  成员 3 人（有效 3 人）"), profile.stdout)
        XCTAssertTrue(profile.stdout.contains("甲*"), "names masked: \(profile.stdout)")
        XCTAssertFalse(profile.stdout.contains(Self.id("41010319461127001", "男")), "身份证号 masked")
        let csv = try CLIRunner.run(["profile", "H1", "--format", "csv", "--unmask", "--purpose", "测试", "--db", dir.file("try.db")])
        XCTAssertTrue(csv.stdout.contains("H1,\(Self.id("41010319461127001", "男")),甲,户主,1946-11-27,是"), csv.stdout)
        let nobody = try CLIRunner.run(["profile", "H4101039999999", "--db", dir.file("try.db")])
        XCTAssertEqual(nobody.status, 1)
        XCTAssertTrue(nobody.stderr.contains("未找到 H4101039999999 的档案"), nobody.stderr)

        // A full extract without E: household H3 has no active member left, and says so.
        let lines5 = try String(contentsOfFile: dir.file("residents.csv"), encoding: .utf8).split(separator: "\n")
        try dir.write("full.csv", lines5.prefix(5).joined(separator: "\n") + "\n")
        XCTAssertEqual(try run(["import", "residents", dir.file("full.csv"), "--full"]).status, 0)
        let gone = try run(["rules", "try", "--entity", "H3", "--as-of", "2026-11-27"])
        XCTAssertEqual(gone.status, 0, gone.stderr)
        XCTAssertTrue(gone.stdout.contains("注意：该户已没有有效成员（已停用），夜间批处理不评估它。"), gone.stdout)
        XCTAssertTrue(try run(["rules", "try", "--entity", "H1", "--as-of", "2026-11-27"]).stdout.contains("家庭成员 3 人"), "H1 unchanged")
    }

    func testUnknownEntityPolicyAndMissingDatabaseAreErrors() throws {
        let nobody = try run(["rules", "try", "--entity", "410103199901010000"])
        XCTAssertEqual(nobody.status, 1)
        XCTAssertTrue(nobody.stderr.contains("数据库中没有"), nobody.stderr)
        XCTAssertEqual(try run(["rules", "try", "NO-SUCH"]).status, 64)
        let missing = try CLIRunner.run(["rules", "try", "--rules", dir.path, "--db", dir.file("none.db")])
        XCTAssertEqual(missing.status, 74)
        XCTAssertTrue(missing.stderr.contains("先用 mianshen import 导入数据"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("none.db")), "no empty database is created")
    }
}
