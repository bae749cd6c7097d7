import Foundation
import Outputs
import XCTest

/// The report's renderers on hand-made figures: escaping, charts, budgets, CSV bytes.
final class ReportRenderingTests: XCTestCase {
    static let hostile = "<script>alert(\"x\")</script> & 'q'"

    static func report(budgetFen: Int64? = 100_000, overBudget: Int = 0) -> RunReport {
        var monthly = PolicyFigures(
            id: "T-1", title: hostile, subject: "居民", mode: "直接兑现", period: "月", grantsMoney: true, budgetFen: budgetFen
        )
        monthly.eligible = 3
        monthly.eligibleFen = 2_500
        monthly.overBudget = overBudget
        monthly.ineligible = 7
        var reminder = PolicyFigures(id: "T-2", title: "提醒", subject: "企业", mode: "提醒", period: nil, grantsMoney: false, budgetFen: nil)
        reminder.eligible = 2
        var street = AreaFigures(code: "410103001", name: "<b>淮河路</b>街道")
        street.entities = ["居民": 10]
        street.eligible = 3
        street.beneficiaries = 3
        street.amounts = ["月": 2_500]
        return RunReport(
            header: .init(runID: 7, asOf: "2026-11-01", engine: "columnar-1", finishedAt: "2026-11-01T00:00:00Z", includeDrafts: false, rulesSHA256: "r", resultsSHA256: "s"),
            populations: ["居民": 10, "企业": 2], policies: [monthly, reminder], streets: [street], industries: [], comparison: nil,
            quality: DataQuality(
                quarantine: [],
                warnings: [
                    .init(dataset: "电子证照", code: "unknown_value", label: "取值不在人工维护的取值列表中", field: "证照类型", value: "<img src=x>", rows: 2),
                    .init(dataset: "电子证照", code: "unknown_value", label: "取值不在人工维护的取值列表中", field: "证照类型", value: "=HYPERLINK(\"http://x\")", rows: 1),
                ],
                missing: [], importedAfterRun: true
            )
        )
    }

    func testDataIsTextEverywhereOnThePage() {
        let page = ReportHTML.render(Self.report())
        XCTAssertFalse(page.contains("<script"))
        XCTAssertFalse(page.contains("<b>"))
        XCTAssertFalse(page.contains("<img"))
        // In the table, the chart's labels and the tooltips alike.
        let escaped = "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'q'"
        XCTAssertGreaterThanOrEqual(page.components(separatedBy: escaped).count - 1, 3, "table cell, bar tooltip, gauge tooltip")
        XCTAssertTrue(page.contains("&lt;b&gt;淮河路&lt;/b&gt;街道"))
        XCTAssertTrue(page.contains("&lt;img src=x&gt;"))
        XCTAssertTrue(page.contains("这里是数据库现在的情况"), "an import after the run is said")
        for external in ["<link", " src=\"", "url(", "@import"] { XCTAssertFalse(page.contains(external), "no external resource: \(external)") }
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>"))
    }

    func testBudgetGaugeUsesTheYearlyAmountAndTurnsRedWhenSpent() throws {
        let policy = try XCTUnwrap(Self.report().policies.first)
        XCTAssertEqual(policy.yearlyFen, 30_000, "25 元 a month is 300 元 a year")
        XCTAssertEqual(policy.budgetUsed.map(Money.percent), "30.0%")
        let calm = ReportHTML.render(Self.report())
        XCTAssertTrue(calm.contains("30.0%"))
        XCTAssertFalse(calm.contains("#c53030\" stroke-width"), "not spent: no red arc")
        let spent = ReportHTML.render(Self.report(budgetFen: 30_000, overBudget: 1))
        XCTAssertTrue(spent.contains("100.0%"))
        XCTAssertTrue(spent.contains("stroke=\"#c53030\""), "spent: the arc is red")
        XCTAssertTrue(ReportHTML.render(Self.report(budgetFen: nil)).contains("本次运行的政策都没有设年度预算。"))
    }

    func testReminderPoliciesGrantNoMoneyAndAreCountedApart() throws {
        let summary = try XCTUnwrap(Self.report().tables.first { $0.id == "summary" })
        XCTAssertTrue(summary.rows.contains(["符合（项次，不含提醒）", "3"]))
        XCTAssertTrue(summary.rows.contains(["提醒（项次）", "2"]))
        XCTAssertTrue(summary.rows.contains(["发放金额（元/月）", "25.00"]))
        let policies = try XCTUnwrap(Self.report().tables.first { $0.id == "policies" })
        XCTAssertEqual(policies.rows[1][10], "", "a reminder has no amount")
    }

    func testCSVFilesHaveABOMAndQuoteCells() throws {
        let dir = NSTemporaryDirectory() + "report-csv-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try ReportCSV.write(Self.report(), to: dir)
        XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent }, [
            "summary.csv", "policies.csv", "streets.csv", "industries.csv", "changes.csv", "quarantine.csv", "warnings.csv", "missing_fields.csv",
        ])
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], file)
        }
        let policies = try String(contentsOfFile: files[1], encoding: .utf8)
        XCTAssertTrue(policies.contains("T-1,\"<script>alert(\"\"x\"\")</script> & 'q'\",居民,"), policies)
        XCTAssertTrue(policies.hasSuffix("\n") && !policies.contains("\r"))
        let warnings = try String(contentsOfFile: files[6], encoding: .utf8)
        XCTAssertTrue(warnings.contains(",\"'=HYPERLINK(\"\"http://x\"\")\",1\n"), "a formula from data is defused: \(warnings)")
        XCTAssertTrue(try String(contentsOfFile: files[0], encoding: .utf8).contains("\n发放金额（元/月）,25.00\n"))
    }

    func testMoneyAndPercentages() {
        XCTAssertEqual(Money.yuan(89_250), "892.50")
        XCTAssertEqual(Money.yuan(5), "0.05")
        XCTAssertEqual(Money.yuan(-120), "-1.20")
        XCTAssertEqual(Money.percent(0.8753), "87.5%")
        XCTAssertEqual(Money.percent(1, of: 3), "33.3%")
        XCTAssertEqual(Money.percent(1, of: 0), "")
    }
}
