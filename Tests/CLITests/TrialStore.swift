import Foundation
import MianshenTesting
import XCTest

/// The small hand-made store of the `rules try` and `run` tests: five residents (A, B, C in one
/// household; D in 中原区; E with no 医保类型) and the first two fixture enterprises, with the
/// policies both tests share (居民医保 without 前提, 育儿 by household, a 就高 互斥组 of two).
enum TrialStore {
    /// A turns 80 on 2026-11-27; B is one day short; C is under 3; all three one household (H1).
    static let a = id("41010319461127001", "男")
    static let b = id("41010319461128002", "女")
    static let c = id("41010320250110003", "男")
    /// D is 86 but registered in 中原区; E is 82, in 二七区, with no 医保类型.
    static let d = id("41010219400101004", "女")
    static let e = id("41010319440505005", "男")

    static func otherPolicies(insuranceAmount: Int = 10) -> String {
        """
        政策 T-YB “居民医保试算”
          领域 助医
          对象 居民
          方式 直接兑现
          条件 本区 “户籍在二七区”：户籍地 属于 二七区
          条件 居民医保 “参加城乡居民医保”：医保类型 = 城乡居民
          金额 \(insuranceAmount) 元
        结束
        政策 T-YE “育儿试算”
          领域 育幼
          对象 家庭
          领取人 户主
          方式 依申请
          前提 本区 “户籍在二七区”：户籍地 属于 二七区
          条件 有婴幼儿 “家庭中有 3 周岁以下婴幼儿”：计数(家庭成员, 周岁(家庭成员.出生日期) < 3) >= 1
          金额 计数(家庭成员, 周岁(家庭成员.出生日期) < 3) * 3600 元
        结束
        政策 T-Q1 “企业甲”
          领域 惠企
          对象 企业
          方式 直接兑现
          互斥 培育 优先级 1 就高
          条件 本区注册 “注册地在二七区”：注册地 属于 二七区
          金额 100 元
        结束
        政策 T-Q2 “企业乙”
          领域 惠企
          对象 企业
          方式 直接兑现
          互斥 培育 优先级 2 就高
          条件 本区注册 “注册地在二七区”：注册地 属于 二七区
          金额 200 元
        结束
        """
    }

    /// Writes the residents and enterprises into `dir` and imports them into `db`; returns the
    /// enterprises' 统一社会信用代码, sorted.
    @discardableResult
    static func importProfiles(into dir: TemporaryDirectory, db: String) throws -> [String] {
        let header = "id_number,name,gender,birth_date,hukou_division,hukou_type,household_id,relation,phone,alive,dibao,tekun,disability_level,school_stage,medical_insurance,annual_income_yuan,farmland_mu,consent_push"
        let residents = [
            a + ",甲,男,1946-11-27,410103001,非农业,H1,户主,13800000001,是,否,否,,无,城乡居民,1000,0,是",
            b + ",乙,女,1946-11-28,410103001,非农业,H1,配偶,13800000002,是,否,否,,无,城乡居民,1000,0,是",
            c + ",丙,男,2025-01-10,410103001,非农业,H1,子女,,是,否,否,,无,城乡居民,0,0,是",
            d + ",丁,女,1940-01-01,410102001,非农业,H2,户主,13800000004,是,否,否,,无,职工,1000,0,是",
            e + ",戊,男,1944-05-05,410103002,非农业,H3,户主,13800000005,是,否,否,,无,,1000,0,是",
        ]
        try dir.write("residents.csv", ([header] + residents).joined(separator: "\n") + "\n")
        let enterprises = try String(contentsOfFile: RepositoryPaths.fixture("enterprises.csv"), encoding: .utf8)
            .split(separator: "\n").prefix(3)
        try dir.write("enterprises.csv", enterprises.joined(separator: "\n") + "\n")
        for kind in ["residents", "enterprises"] {
            let result = try CLIRunner.run(["import", kind, dir.file("\(kind).csv"), "--rules", dir.path, "--db", db])
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        }
        return enterprises.dropFirst().map { String($0.prefix { $0 != "," }) }.sorted()
    }

    /// approvals.yaml approving, by two departments, every policy of the latest run in `probe`
    /// (a store where the rules were run with --include-drafts).
    static func approvals(probe: String) throws -> String {
        var yaml = ""
        for line in try SQLiteShell.run(probe, "SELECT policy_id || ' ' || sha256 FROM run_policies WHERE run_id = (SELECT MAX(id) FROM runs)").split(separator: "\n") {
            let parts = line.split(separator: " ")
            for department in ["区民政局", "区财政局"] {
                yaml += "- policy: \(parts[0])\n  sha256: \(parts[1])\n  department: \(department)\n  reviewer: 测试\n  at: '2026-11-27T00:00:00Z'\n"
            }
        }
        return yaml
    }

    /// 17 digits plus the GB 11643 check character (ISO 7064 MOD 11-2). The sequence digit's
    /// parity must match the sex.
    static func id(_ body: String, _ sex: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var digits = body.compactMap(\.wholeNumberValue)
        if (digits[16] % 2 == 1) != (sex == "男") { digits[16] = (digits[16] + 1) % 10 }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return digits.map(String.init).joined() + String(Array("10X98765432")[sum % 11])
    }
}
