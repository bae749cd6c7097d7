import Foundation
import MianshenTesting
import XCTest

/// `rules test`: cases beside the rules, run with the reference evaluator.
final class RulesTestCLITests: XCTestCase {
    func write(_ dir: TemporaryDirectory, expectAmount: String) throws {
        try FileManager.default.createDirectory(atPath: dir.file("养老"), withIntermediateDirectories: true)
        try dir.write("养老/高龄津贴.policy", """
            参数 月标准 元
              自 2025-01-01 起 100 元
              自 2026-01-01 起 120 元
            结束
            政策 YL-GLJT “高龄津贴”
              领域 养老
              对象 居民
              方式 直接兑现
              条件 健在
              条件 年满八十 “年满 80 周岁”：周岁(出生日期) >= 80
              金额 月标准
            结束
            """)
        try dir.write("养老/高龄津贴.test.yaml", """
            policy: YL-GLJT
            cases:
              - name: 生日当天年满八十
                as_of: 2026-11-27
                entity: {出生日期: 1946-11-27, 是否健在: 是}
                expect: {outcome: 符合, amount: \(expectAmount)}
              - name: 前一天未满
                as_of: 2026-11-26
                entity: {出生日期: 1946-11-27, 是否健在: 是}
                expect: {outcome: 不符合, failing: 年满八十}
              - name: 是否健在未知
                as_of: 2026-11-27
                entity: {出生日期: 1940-01-01}
                expect: {outcome: 待人工复核}
            """)
    }

    func testPassingCasesAndCoverage() throws {
        let dir = try TemporaryDirectory()
        try write(dir, expectAmount: "120.00")
        let result = try CLIRunner.run(["rules", "test", dir.path, "--rules", RepositoryPaths.rules])
        XCTAssertTrue(result.stdout.contains("3 个用例：3 个通过，0 个失败。"), result.stdout)
        XCTAssertTrue(result.stdout.contains("从未为“否”的条件：YL-GLJT：本人健在"), result.stdout)
        XCTAssertTrue(result.stdout.contains("覆盖不完整"), result.stdout)
        XCTAssertEqual(result.status, 1, "a coverage gap fails the run")

        // The shared 健在 is found although only this directory is tested; one more case closes the gap.
        let tests = try String(contentsOfFile: dir.file("养老/高龄津贴.test.yaml"), encoding: .utf8)
        try dir.write("养老/高龄津贴.test.yaml", tests + """

              - name: 已故
                as_of: 2026-11-27
                entity: {出生日期: 1940-01-01, 是否健在: 否}
                expect: {outcome: 不符合, failing: 健在}
            """)
        let complete = try CLIRunner.run(["rules", "test", dir.path, "--rules", RepositoryPaths.rules])
        XCTAssertEqual(complete.status, 0, complete.stdout + complete.stderr)
        XCTAssertTrue(complete.stdout.contains("条件覆盖：2 个条件，“是”与“否”都测到 2 个（100%）"), complete.stdout)
    }

    func testAFailingCaseShowsExpectedActualAndConditions() throws {
        let dir = try TemporaryDirectory()
        try write(dir, expectAmount: "100.00")
        let result = try CLIRunner.run(["rules", "test", dir.path, "--rules", RepositoryPaths.rules])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("失败："), result.stdout)
        XCTAssertTrue(result.stdout.contains("金额：期望 100.00，实际 120.00"), result.stdout)
        XCTAssertTrue(result.stdout.contains("年满 80 周岁：是（出生日期=1946-11-27）"), result.stdout)
    }
}
