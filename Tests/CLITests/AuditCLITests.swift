import Foundation
import MianshenTesting
import XCTest

/// The audit log through the built binary: uses of personal data are recorded with operator,
/// scope and purpose; `audit verify` finds an entry edited, deleted or moved with the sqlite3 CLI.
final class AuditCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.file("audit.db") }
    private let person = "410103193712182418"

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        _ = try run(["import", "residents", "Fixtures/residents.csv", "--operator", "王科员"])
        _ = try run(["profile", person, "--operator", "李四"])
        _ = try run(["profile", person, "--unmask", "--purpose", "核实申诉材料", "--operator", "张三"])
        _ = try run(["profile", "H4101030001089", "--operator", "李四"])
    }

    @discardableResult
    private func run(_ arguments: [String], status: Int32 = 0) throws -> CLIResult {
        let result = try CLIRunner.run(arguments + ["--db", db])
        XCTAssertEqual(result.status, status, "\(arguments): " + result.stdout + result.stderr)
        return result
    }

    private func sqlite(_ sql: String) throws {
        try SQLiteShell.run(db, sql)
    }

    /// The entries as JSON objects, in order.
    private func entries(_ filters: [String] = []) throws -> [[String: String]] {
        try run(["audit", "list", "--format", "json"] + filters).stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])
        }
    }

    func testEachUseIsRecordedWithOperatorScopeAndPurpose() throws {
        let all = try entries()
        XCTAssertEqual(all.map { $0["command"] }, ["import residents", "profile", "profile", "profile"])
        XCTAssertEqual(all.map { $0["operator"] }, ["王科员", "李四", "张三", "李四"])
        XCTAssertEqual(all.map { $0["id"] }, ["1", "2", "3", "4"])
        XCTAssertEqual(all[1]["entity"], person, "machine exports carry the entity in full")
        XCTAssertEqual(all[1]["unmasked"], "0")
        XCTAssertEqual(all[2]["unmasked"], "1")
        XCTAssertEqual(all[2]["purpose"], "核实申诉材料")
        XCTAssertEqual(all[3]["entity"], "H4101030001089")
        XCTAssertTrue(all[0]["scope"]?.contains("读取 300 行") ?? false, all[0]["scope"] ?? "")
        XCTAssertEqual(all[1]["previous_hash"], all[0]["hash"])
        XCTAssertEqual(all[0]["previous_hash"], String(repeating: "0", count: 64))

        XCTAssertEqual(try entries(["--operator", "李四"]).map { $0["id"] }, ["2", "4"])
        XCTAssertEqual(try entries(["--since", "2999-01-01"]).count, 0)
        XCTAssertEqual(try entries(["--since", "2000-01-01"]).count, 7, "the three earlier JSON listings were recorded too")

        let table = try run(["audit", "list"]).stdout
        XCTAssertTrue(table.contains("4101**********2418"), table)
        XCTAssertFalse(table.contains(person), "the table masks 身份证号")
        XCTAssertTrue(table.contains("H4101030001089"), "户号 is not personal data")
    }

    func testUnmaskWithoutPurposeIsRefusedAndNotRecorded() throws {
        let refused = try run(["profile", person, "--unmask"], status: 64)
        XCTAssertTrue(refused.stderr.contains("--purpose"), refused.stderr)
        XCTAssertFalse(refused.stdout.contains(person))
        let results = try run(["results", "--unmask"], status: 64)
        XCTAssertTrue(results.stderr.contains("--purpose"), results.stderr)
        XCTAssertEqual(try entries().count, 4)
    }

    func testAnExportRecordsHowManyRowsItGave() throws {
        _ = try run(["run", "--as-of", "2025-12-01"])
        for filters in [["--all"], [], ["--policy", "YL-GLJT", "--outcome", "eligible"]] {
            for format in ["csv", "json"] {
                let lines = try run(["results", "--format", format] + filters).stdout.split(separator: "\n").count
                let rows = format == "csv" ? lines - 1 : lines
                XCTAssertGreaterThan(rows, 0)
                let scope = try XCTUnwrap(entries().last?["scope"])
                XCTAssertTrue(scope.hasPrefix("运行 1 的结果 \(rows) 行"), "\(format) \(filters): \(scope)")
            }
        }
    }

    func testAnEntityExplainedByRulesTryIsRecorded() throws {
        _ = try run(["rules", "try", "YL-GLJT", "--as-of", "2025-12-01", "--entity", person])
        let last = try XCTUnwrap(entries().last)
        XCTAssertEqual(last["command"], "rules try --entity")
        XCTAssertEqual(last["entity"], person)
        _ = try run(["rules", "try", "YL-GLJT", "--as-of", "2025-12-01"])
        XCTAssertEqual(try entries().filter { $0["command"]?.hasPrefix("rules try") ?? false }.count, 1, "a masked trial of counts is not a use")
    }

    func testOperatorDefaultsToTheOSUser() throws {
        _ = try run(["profile", person])
        let user = try XCTUnwrap(entries().last?["operator"])
        XCTAssertEqual(user, NSUserName())
    }

    func testVerifyPassesOnAnIntactChain() throws {
        let out = try run(["audit", "verify"]).stdout
        XCTAssertTrue(out.contains("审计日志完整：共 4 条"), out)
    }

    func testVerifyCatchesAnEditedEntry() throws {
        try sqlite("UPDATE audit_log SET operator = '无名氏' WHERE id = 2")
        let out = try run(["audit", "verify"], status: 1).stdout
        XCTAssertTrue(out.contains("第 2 条的内容与其哈希不符"), out)
        XCTAssertFalse(out.contains("第 3 条"), "only the edited entry is named: " + out)
    }

    func testVerifyCatchesAnEditedPurposeOrUnmaskFlag() throws {
        try sqlite("UPDATE audit_log SET unmasked = 0, purpose = NULL WHERE id = 3")
        let out = try run(["audit", "verify"], status: 1).stdout
        XCTAssertTrue(out.contains("第 3 条的内容与其哈希不符"), out)
    }

    func testVerifyCatchesADeletedEntry() throws {
        try sqlite("DELETE FROM audit_log WHERE id = 2")
        let out = try run(["audit", "verify"], status: 1).stdout
        XCTAssertTrue(out.contains("第 2 条缺失"), out)
        XCTAssertTrue(out.contains("第 3 条记载的前一条哈希与前一条不符"), out)
    }

    func testVerifyCatchesTheLastEntryDeleted() throws {
        try sqlite("DELETE FROM audit_log WHERE id = 4")
        let out = try run(["audit", "verify"], status: 1).stdout
        XCTAssertTrue(out.contains("链首记录指向第 4 条，而日志最后一条是第 3 条"), out)
    }

    func testVerifyCatchesReorderedEntries() throws {
        try sqlite("UPDATE audit_log SET id = -2 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 3; UPDATE audit_log SET id = 3 WHERE id = -2")
        let out = try run(["audit", "verify"], status: 1).stdout
        XCTAssertTrue(out.contains("第 2 条记载的前一条哈希与前一条不符"), out)
        XCTAssertTrue(out.contains("第 2 条的内容与其哈希不符"), out)
    }

    func testVerifyCatchesAnEntryWithRecomputedHash() throws {
        // A forger who rewrites one entry and its own hash still breaks the next entry's link.
        try sqlite("UPDATE audit_log SET scope = '（空）', hash = (SELECT hash FROM audit_log WHERE id = 1) WHERE id = 2")
        let out = try run(["audit", "verify"], status: 1).stdout
        XCTAssertTrue(out.contains("第 3 条记载的前一条哈希与前一条不符"), out)
    }
}
