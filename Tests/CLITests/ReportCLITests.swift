import Foundation
import MianshenTesting
import XCTest

/// `mianshen report` on the bundled fixtures, through the built binary: its numbers are the
/// results table's, its CSV files carry a BOM, data is escaped, and it is reproducible.
final class ReportCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.file("report.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try Self.importFixtures(db: db)
    }

    /// The demo's imports: the fixtures, the Chinese-headed residents and the file with bad rows.
    static func importFixtures(db: String) throws {
        let imports = [
            ["residents", "Fixtures/residents.csv"], ["enterprises", "Fixtures/enterprises.csv"], ["licences", "Fixtures/licences.csv"],
            ["residents", "Fixtures/residents_zh.csv"], ["residents", "Fixtures/bad/residents_bad.csv", "--max-bad-rate", "0.5"],
        ]
        for arguments in imports {
            let result = try CLIRunner.run(["import"] + arguments + ["--db", db])
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        }
    }

    private func run(_ arguments: [String]) throws -> CLIResult {
        let result = try CLIRunner.run(arguments + ["--db", db])
        XCTAssertEqual(result.status, 0, "\(arguments): " + result.stdout + result.stderr)
        return result
    }

    /// A CSV file of the report: BOM checked and stripped, split into cells (no quoted commas here).
    private func table(_ directory: String, _ name: String) throws -> [[String]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name + ".csv"))
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], "\(name).csv starts with a UTF-8 BOM")
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        return text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func testPolicyFiguresEqualTheResultsTable() throws {
        _ = try run(["run", "--as-of", "2025-12-01"])
        var counts: [String: [String: Int]] = [:]
        var fen: [String: Int] = [:]
        for line in try run(["results", "--all", "--format", "csv"]).stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            counts[cells[1], default: [:]][cells[2], default: 0] += 1
            if cells[2] == "eligible" { fen[cells[1], default: 0] += Int(cells[3].replacingOccurrences(of: ".", with: "")) ?? -1_000_000 }
        }
        XCTAssertEqual(counts.count, 15, "the fixtures' run evaluates 15 published policies")

        let out = dir.file("csv")
        let printed = try run(["report", "--format", "csv", "--out", out]).stdout
        XCTAssertTrue(printed.contains("报告的 8 张表已写入"), printed)
        let policies = try table(out, "policies")
        XCTAssertEqual(policies[0], [
            "编号", "名称", "对象", "方式", "评估", "符合", "待人工复核", "互斥未享", "超出预算", "不符合", "发放金额（元）", "周期", "年度预算（元）", "预算使用率",
        ])
        XCTAssertEqual(policies.count - 1, counts.count)
        for row in policies.dropFirst() {
            let c = counts[row[0]] ?? [:]
            XCTAssertEqual(row[4], String(c.values.reduce(0, +)), row[0])
            XCTAssertEqual(Array(row[5...9]), ["eligible", "unknown", "excluded", "over_budget", "ineligible"].map { String(c[$0] ?? 0) }, row[0])
            if row[3] != "提醒" {
                XCTAssertEqual(Int(row[10].replacingOccurrences(of: ".", with: "")), fen[row[0]] ?? 0, row[0])
            }
        }
        // QY-GXRD has a budget of 2,000,000 元 and grants 4 × 200,000 元 once: 40.0% used.
        XCTAssertEqual(policies.first { $0[0] == "QY-GXRD" }?[12...13].map { $0 }, ["2000000.00", "40.0%"])

        // The page shows the same table, cell for cell.
        let html = dir.file("report.html")
        _ = try run(["report", "--out", html])
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertEqual(try htmlRows(page, table: "policies"), Array(policies.dropFirst()))

        // Streets add up to the benefit policies' eligible count (every entity is in one row).
        let streets = try table(out, "streets")
        let benefits = policies.dropFirst().filter { $0[3] != "提醒" }.reduce(0) { $0 + (Int($1[5]) ?? 0) }
        XCTAssertEqual(streets.dropFirst().reduce(0) { $0 + (Int($1[5]) ?? 0) }, benefits)
        XCTAssertEqual(streets[1][0...1].map { $0 }, ["淮河路街道", "410103001"])
        XCTAssertTrue(streets.contains { $0[0] == "未知街道（410103099）" }, "an unlisted 二七区 code is its own row")
        let summary = try table(out, "summary")
        XCTAssertTrue(summary.contains(["符合（项次，不含提醒）", String(benefits)]), "\(summary)")
        XCTAssertTrue(try table(out, "quarantine").contains(["居民", "bad_check_digit", "校验码错误", "居民身份证号", "1"]))
        XCTAssertTrue(try table(out, "warnings").contains(["居民", "unknown_division", "区划代码不在人工维护的名单中（二七区街道或郑州区县）", "户籍地", "410103099", "1"]))
        XCTAssertEqual(try table(out, "changes").count, 1, "the first run has nothing to compare with")
    }

    func testComparisonWithThePreviousRunCountsAsDiffDoes() throws {
        _ = try run(["run", "--as-of", "2025-12-01"])
        _ = try run(["run", "--as-of", "2026-03-01"])
        var diff: [String: [String: Int]] = [:]
        for line in try run(["diff", "1", "2", "--format", "csv"]).stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            diff[cells[0], default: [:]][cells[2], default: 0] += 1
        }
        XCTAssertFalse(diff.isEmpty, "the two dates must differ somewhere for this test to mean anything")
        let out = dir.file("csv")
        _ = try run(["report", "--format", "csv", "--out", out])
        let changes = try table(out, "changes")
        for row in changes.dropFirst() {
            let d = diff[row[0]] ?? [:]
            XCTAssertEqual(Array(row[2...4]), ["newly_eligible", "no_longer_eligible", "amount_changed"].map { String(d[$0] ?? 0) }, row[0])
        }
        XCTAssertEqual(Set(changes.dropFirst().filter { $0[2...4] != ["0", "0", "0"] }.map { $0[0] }), Set(diff.keys))
        let html = dir.file("r.html")
        _ = try run(["report", "--run", "2", "--out", html])
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).contains("对照运行 1（评估日 2025-12-01）"))
    }

    func testHostileTextIsEscapedAndTheReportIsReproducible() throws {
        // A policy title and an unlisted licence type written to break out of the markup.
        let rules = try TemporaryDirectory()
        try FileManager.default.removeItem(atPath: rules.path)
        try FileManager.default.copyItem(atPath: RepositoryPaths.rules, toPath: rules.path)
        let path = rules.file("养老/高龄津贴.policy")
        let hostile = "<script>alert('标题')</script> & \"引号\""
        let source = try String(contentsOfFile: path, encoding: .utf8)
        try source.replacingOccurrences(of: "“高龄津贴”", with: "“\(hostile)”").write(toFile: path, atomically: true, encoding: .utf8)
        let licences = "holder_id,holder_kind,license_type,license_no,issue_date,expiry_date\n"
            + "91410103MAG9L59XT1,企业,<img src=x onerror=alert(1)>,X-1,2021-01-01,2030-01-01\n"
        try dir.write("licences.csv", licences)
        _ = try run(["import", "licences", dir.file("licences.csv")])
        _ = try run(["run", "--as-of", "2025-12-01", "--include-drafts", "--rules", rules.path])

        let html = dir.file("hostile.html")
        _ = try run(["report", "--out", html])
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertFalse(page.contains("<script"), "no script element, from data or otherwise")
        XCTAssertFalse(page.contains("<img"), "no element from a licence type")
        XCTAssertTrue(page.contains("&lt;script&gt;alert('标题')&lt;/script&gt; &amp; \"引号\""), "the title as text")
        XCTAssertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "the licence type as text")

        let again = dir.file("again.html")
        _ = try run(["report", "--out", again])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: again)), try Data(contentsOf: URL(fileURLWithPath: html)), "byte-identical")

        let out = dir.file("csv")
        _ = try run(["report", "--format", "csv", "--out", out])
        let policies = try String(contentsOfFile: out + "/policies.csv", encoding: .utf8)
        XCTAssertTrue(policies.contains("YL-GLJT,\"<script>alert('标题')</script> & \"\"引号\"\"\",居民"), "RFC 4180 quoting in CSV")
    }

    func testWithoutARunItSaysWhatToDo() throws {
        let result = try CLIRunner.run(["report", "--out", dir.file("x.html"), "--db", db])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("先用 mianshen run"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("x.html")))
    }

    func testAPlaceThatCannotBeWrittenIsAnIOError() throws {
        _ = try run(["run", "--as-of", "2025-12-01"])
        let result = try CLIRunner.run(["report", "--out", dir.file("no/such/dir/r.html"), "--db", db])
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertTrue(result.stderr.contains("无法写入 \(dir.file("no/such/dir/r.html"))：目录 \(dir.file("no/such/dir")) 不存在。"), result.stderr)
    }

    /// The text of each body row of the table with this id (entities decoded).
    private func htmlRows(_ page: String, table id: String) throws -> [[String]] {
        let start = try XCTUnwrap(page.range(of: "<table id=\"\(id)\">"))
        let end = try XCTUnwrap(page.range(of: "</table>", range: start.upperBound..<page.endIndex))
        let body = try XCTUnwrap(page[start.upperBound..<end.lowerBound].components(separatedBy: "<tbody>").last)
        let cell = try NSRegularExpression(pattern: "<td[^>]*>([^<]*)</td>")
        return body.components(separatedBy: "</tr>").dropLast().map { row in
            cell.matches(in: row, range: NSRange(row.startIndex..., in: row)).compactMap { match in
                Range(match.range(at: 1), in: row).map { String(row[$0]).replacingOccurrences(of: "&amp;", with: "&") }
            }
        }
    }
}
