import Foundation
import MianshenTesting
import XCTest

/// `rules check` as an official runs it before a review meeting.
final class RulesCLITests: XCTestCase {
    func testBrokenFileIsReportedWithCaretAndExitOne() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("养老"), withIntermediateDirectories: true)
        try dir.write("养老/好.policy", """
            政策 YL-1 “示例”
              领域 养老
              对象 居民
              方式 直接兑现
              条件 年满八十：周岁(出生日期) >= 80
            结束
            """)
        try dir.write("养老/坏.policy", """
            政策 YL-2 “示例二”
              领城 养老
            结束
            """)
        let result = try CLIRunner.run(["rules", "check", dir.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("错误[E102]: 政策中不认识以“领城”开头的一行"), result.stdout)
        XCTAssertTrue(result.stdout.contains("坏.policy:2:3"), result.stdout)
        XCTAssertTrue(result.stdout.contains("= 建议: 您是否想写“领域”？"), result.stdout)
        XCTAssertTrue(result.stdout.contains("检查了 3 个规则文件：1 个错误。"), "the two files and Rules/common: \(result.stdout)")
        let good = try CLIRunner.run(["rules", "check", dir.file("养老/好.policy")])
        XCTAssertEqual(good.status, 0, good.stdout)
        try dir.write("养老/类型.policy", """
            政策 YL-3 “示例三”
              领域 养老
              对象 居民
              方式 直接兑现
              条件 年满：出生日期 >= 80
            结束
            """)
        let typed = try CLIRunner.run(["rules", "check", dir.file("养老/类型.policy")])
        XCTAssertEqual(typed.status, 1)
        XCTAssertTrue(typed.stdout.contains("错误[E204]: 日期不能与数值比较"), typed.stdout)
        XCTAssertTrue(typed.stdout.contains("类型.policy:5:9"), typed.stdout)
        XCTAssertEqual(try CLIRunner.run(["rules", "check", dir.file("none")]).status, 74)
    }

    /// A reviewer reads a policy with shared facts by name, and their definitions below it,
    /// one alternative per line.
    func testShowNamesSharedFactsAndDefinesThemBelow() throws {
        let result = try CLIRunner.run(["rules", "show", "QY-XWTX", "--rules", RepositoryPaths.rules])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("2. 属于小微企业：小微企业　依据"), result.stdout)
        XCTAssertTrue(result.stdout.contains("其中（定义在 \(RepositoryPaths.rules)/common/本区.policy）：\n  小微企业：按 行业代码（GB/T 4754-2017） 取值：\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\n      F52：从业人数 < 50 人 或 营业收入（万元） < 500 万元\n"), "one row per line: \(result.stdout)")
        XCTAssertTrue(result.stdout.contains("\n      未列出的：未知\n"), "unclassifiable industries are unknown: \(result.stdout)")
    }
}
