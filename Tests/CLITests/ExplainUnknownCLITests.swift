import Foundation
import MianshenTesting
import XCTest

/// A help-desk clerk asks why a case went to manual review: the explanation says what could not
/// be decided — a value that is missing, or a value a lookup table (取值表) has no row for.
final class ExplainUnknownCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.file("u.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    /// 郑州豫通仓储 (G59, 仓储业): 小微企业 needs a 中类 for 仓储, so QY-XWTX is unknown, and so is
    /// QY-WGFH's amount (its rate depends on 大型企业); an enterprise with an empty 营业收入 is
    /// missing the value 首次升规奖励 reads.
    func testUnknownConditionsSayWhatIsMissingOrUnlisted() throws {
        let csv = try String(contentsOfFile: RepositoryPaths.fixtures + "/enterprises.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n").map(String.init)
        let warehouse = try XCTUnwrap(lines.first { $0.hasPrefix("91410103931984585U,") })
        // Another firm of the fixtures, its 营业收入 left empty.
        let other = try XCTUnwrap(lines.dropFirst().first { !$0.hasPrefix("91410103931984585U,") })
        var cells = other.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[6] = ""
        try (lines[0] + "\n" + warehouse + "\n" + cells.joined(separator: ",") + "\n").write(toFile: dir.file("e.csv"), atomically: true, encoding: .utf8)
        let imported = try CLIRunner.run(["import", "enterprises", dir.file("e.csv"), "--db", db])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)

        let result = try CLIRunner.run(["rules", "try", "--entity", "91410103931984585U", "--as-of", "2025-12-01", "--db", db])
        XCTAssertEqual(result.status, 0, result.stderr)
        let unknown = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  ? ") }.map(String.init)
        XCTAssertTrue(unknown.contains { $0.hasPrefix("  ? 属于小微企业（") && $0.contains("无法判定：行业代码（GB/T 4754-2017） G59 不在“小微企业”的取值表中") }, result.stdout)
        XCTAssertTrue(unknown.contains { $0.hasPrefix("  ? 计算金额所需的数据齐全") && $0.contains("G59 不在“大型企业”的取值表中") }, result.stdout)
        let missing = try CLIRunner.run(["rules", "try", "--entity", cells[0], "--as-of", "2025-12-01", "--db", db])
        XCTAssertTrue(missing.stdout.contains("营业收入（万元）=未知）　无法判定：缺少营业收入（万元）"), missing.stdout + missing.stderr)
        // A value the schema gives an empty cell is shown with its meaning.
        XCTAssertTrue(result.stdout.contains("（首次升规年份=0（从未升规））"), result.stdout)
        XCTAssertFalse(result.stdout.contains("✓ 属于小微企业") || result.stdout.contains("✗ 属于小微企业"), "unclassifiable is neither 是 nor 否")
    }
}
