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
}
