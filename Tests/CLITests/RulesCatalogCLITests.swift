import Foundation
import MianshenTesting
import XCTest

/// Review status is computed from approvals bound to the content: two departments publish a
/// policy; editing it voids their approvals.
final class RulesCatalogCLITests: XCTestCase {
    func testApproveListShowAndEditingVoidsApprovals() throws {
        let dir = try TemporaryDirectory()
        try dir.copySchemas()
        let policy = """
            参数 月标准 元
              自 2025-01-01 起 100 元
              自 2026-01-01 起 120 元
            结束
            政策 YL-GLJT “高龄津贴”
              领域 养老
              部门 “区民政局”
              依据 “《示例办法》第十条”
              对象 居民
              方式 直接兑现
              有效期 2025-01-01 至 2027-12-31
              条件 年满八十 “年满 80 周岁”：周岁(出生日期) >= 80
              金额 月标准
            结束
            """
        try dir.write("养老.policy", policy)
        func rules(_ args: [String]) throws -> CLIResult { try CLIRunner.run(["rules"] + args + ["--rules", dir.path]) }

        XCTAssertTrue(try rules(["list"]).stdout.contains("草稿"))
        let untested = try rules(["approve", "YL-GLJT", "--department", "区民政局", "--reviewer", "张三"])
        XCTAssertEqual(untested.status, 1, "reviewers approve tested content only")
        XCTAssertTrue(untested.stderr.contains("政策 YL-GLJT 的测试不完整，不能审核：没有测试"), untested.stderr)
        try dir.write("养老.test.yaml", """
            policy: YL-GLJT
            cases:
              - {name: 八十, as_of: 2025-06-01, entity: {出生日期: 1945-06-01}, expect: {outcome: 符合, amount: 100}}
              - {name: 七十九, as_of: 2025-06-01, entity: {出生日期: 1945-06-02}, expect: {outcome: 不符合}}
            """)
        XCTAssertEqual(try rules(["approve", "YL-GLJT", "--department", "区民政局", "--reviewer", "张三"]).status, 0)
        XCTAssertTrue(try rules(["list"]).stdout.contains("已审核"))
        let again = try rules(["approve", "YL-GLJT", "--department", "区民政局", "--reviewer", "王五"])
        XCTAssertEqual(again.status, 1, "one department cannot publish alone by approving twice")
        XCTAssertTrue(again.stderr.contains("区民政局 已审核过政策 YL-GLJT 的当前内容"), again.stderr)
        XCTAssertTrue(try rules(["list"]).stdout.contains("已审核"))
        let second = try rules(["approve", "YL-GLJT", "--department", "区财政局", "--reviewer", "李四"])
        XCTAssertTrue(second.stdout.contains("当前状态：已发布"), second.stdout)
        let json = try rules(["list", "--format", "json"]).stdout
        XCTAssertTrue(json.contains("\"status\":\"已发布\""), json)
        let approvals = try String(contentsOfFile: dir.file("approvals.yaml"), encoding: .utf8)
        XCTAssertTrue(approvals.contains("区财政局"))

        let show = try rules(["show", "YL-GLJT", "--as-of", "2025-06-01"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("年满 80 周岁：周岁(出生日期) >= 80"), show.stdout)
        XCTAssertTrue(show.stdout.contains("参数 月标准 于 2025-06-01 为 100 元"), show.stdout)

        // Editing the content (a threshold) voids both approvals.
        try dir.write("养老.policy", policy.replacingOccurrences(of: ">= 80", with: ">= 79"))
        XCTAssertTrue(try rules(["list"]).stdout.contains("草稿"))
        XCTAssertEqual(try rules(["show", "NOPE"]).status, 1)
    }

    /// `rules show` for a reviewer: literals keep their units, an amount computed in 万元 says it
    /// is paid in 元, and each definition names the file it is written in.
    func testShowKeepsUnitsAndNamesTheFileOfEachDefinition() throws {
        let dir = try TemporaryDirectory()
        try dir.copySchemas()
        for folder in ["common", "惠企"] {
            try FileManager.default.createDirectory(atPath: dir.file(folder), withIntermediateDirectories: true)
        }
        try dir.write("common/本区.policy", "事实 大型企业 “大型企业”：从业人数 >= 300 人\n")
        try dir.write("惠企/稳岗.policy", """
            事实 小规模 “参保职工 30 人及以下”：参保职工人数 <= 30 人
            政策 QY-1 “稳岗返还”
              领域 惠企
              依据 “示例”
              对象 企业
              方式 直接兑现
              前提 本区注册 “注册地在二七区”：注册地 属于 二七区
              条件 裁员率达标 “裁员率不超标”：若 小规模 则 裁员率 <= 20 % 否则 裁员率 <= 5.5 %
              金额 失业保险缴费 * (若 大型企业 则 30 % 否则 60 %) 上限 50 万元
            结束
            """)
        let show = try CLIRunner.run(["rules", "show", "QY-1", "--rules", dir.path])
        XCTAssertEqual(show.status, 0, show.stderr)
        let lines = show.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("  1. 注册地在二七区（前提）：注册地 属于 二七区"), show.stdout)
        XCTAssertTrue(lines.contains("  2. 裁员率不超标：若 小规模 则 裁员率（%） <= 20 % 否则 裁员率（%） <= 5.5 %"), show.stdout)
        XCTAssertTrue(
            lines.contains("金额（元，四舍五入到分）：失业保险缴费（万元） * (若 大型企业 则 30 % 否则 60 %) * 10000 元，上限 50 万元"), show.stdout
        )
        XCTAssertTrue(lines.contains("其中（定义在 \(dir.path)/惠企/稳岗.policy）："), show.stdout)
        XCTAssertTrue(lines.contains("  小规模：参保职工人数 <= 30 人"), show.stdout)
        XCTAssertTrue(lines.contains("其中（定义在 \(dir.path)/common/本区.policy）："), show.stdout)
        XCTAssertTrue(lines.contains("  大型企业：从业人数 >= 300 人"), show.stdout)
        XCTAssertFalse(show.stdout.contains("定义在 Rules/common/）"), show.stdout)
    }
}
