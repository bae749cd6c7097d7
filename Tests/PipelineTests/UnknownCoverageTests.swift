import Datasets
import Foundation
import MianshenTesting
import Pipeline
import XCTest

/// The coverage report asks for a 未知 test case only where a condition can be unknown: never
/// for 已填/未填, always for a lookup table that leaves values out.
final class UnknownCoverageTests: XCTestCase {
    func testPresenceIsNeverUnknownAndAnIncompleteTableIs() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write("t.policy", """
            政策 T-1 “示例”
              领域 惠企
              依据 “示例”
              对象 企业
              方式 提醒
              条件 未填资产 “没有资产总额”：未填(资产总额)
              条件 按行业 “按行业判定”：按 行业代码 取值
                C: 是
                F: 否
              结束
            结束
            """)
        _ = try dir.write("t.test.yaml", """
            policy: T-1
            cases:
              - name: 有年份
                as_of: 2026-03-01
                entity: {资产总额: 2020, 行业代码: C39}
                expect: {outcome: 不符合}
              - name: 零售
                as_of: 2026-03-01
                entity: {行业代码: F52}
                expect: {outcome: 不符合}
              - name: 制造
                as_of: 2026-03-01
                entity: {行业代码: C39}
                expect: {outcome: 符合}
            """)
        let report = try RuleTestRunner.run(path: dir.path, schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        XCTAssertEqual(report.failures.map(\.messages), [])
        XCTAssertEqual(report.unknowable, ["T-1：按行业判定"], "行业代码 is required, but G54 is in no row")
        XCTAssertEqual(report.neverUnknown, ["T-1：按行业判定"])
    }
}
