import Foundation
import MianshenTesting
import XCTest

/// The all-formats import as cron meets it: exit codes, ledger and quarantine for XML that is
/// unsafe or breaks mid-way, GB18030 detection, full extracts, and the generator command.
final class FormatCLITests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: String { dir.file("cli.db") }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    func run(_ args: [String]) throws -> CLIResult {
        try CLIRunner.run(args + ["--db", db])
    }

    let goodRecord = """
        <resident><id_number>11010519491231002X</id_number><name>王芳</name><gender>女</gender>\
        <birth_date>1949-12-31</birth_date><hukou_division>410103001</hukou_division>\
        <household_id>H1</household_id><relation>户主</relation><alive>是</alive></resident>
        """

    func testXMLBrokenMidwayIsRejectedWholeWithLineAndColumnInLedgerAndQuarantine() throws {
        let records = Array(repeating: goodRecord, count: 3).joined(separator: "\n")
        let path = try dir.write("broken.xml", "<?xml version=\"1.0\"?>\n<residents>\n\(records)\n<resident><name>x</nam></resident>\n</residents>\n")
        let result = try run(["import", "residents", path])
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertTrue(result.stderr.contains("broken.xml:6:"), result.stderr)
        let quarantine = try run(["quarantine", "list", "--format", "csv"])
        let lines = quarantine.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, quarantine.stdout)
        XCTAssertTrue(lines[1].hasPrefix("\(path),6,,bad_xml,"), String(lines[1]))
        let info = try run(["db", "info", "--format", "json"])
        XCTAssertTrue(info.stdout.contains("\"status\":\"rejected\""), info.stdout)
        XCTAssertTrue(info.stdout.contains("\"residents\":{\"active\":0"), "nothing from the file is kept")
    }

    func testUnsafeXMLIsRefusedWithExitSixtyFive() throws {
        let xxe = try dir.write("xxe.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE residents [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <residents><resident><name>&x;</name></resident></residents>
            """)
        let result = try run(["import", "residents", xxe])
        XCTAssertEqual(result.status, 65)
        XCTAssertFalse(result.stdout.contains("root:") || result.stderr.contains("root:"))
        XCTAssertTrue(result.stderr.contains("DOCTYPE") || result.stderr.contains("实体"), result.stderr)
    }

    func testGoodXMLImports() throws {
        let path = try dir.write("ok.xml", "<?xml version=\"1.0\"?>\n<residents>\n\(goodRecord)\n</residents>\n")
        let result = try run(["import", "residents", path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("\"inserted\":1"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\"format\":\"xml\""), result.stdout)
    }

    func testGeneratorThenImportEveryKindInGB18030() throws {
        let out = dir.file("gen")
        let generated = try CLIRunner.run([
            "fixtures", "generate", "--residents", "500", "--enterprises", "60", "--out", out,
            "--encoding", "gb18030", "--bad-rate", "0.02", "--seed", "3",
        ])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        XCTAssertTrue(generated.stdout.contains("bad_rows.csv"), generated.stdout)
        for kind in ["residents", "enterprises", "licences"] {
            let result = try run(["import", kind, "\(out)/\(kind).csv", "--format", "json", "--max-bad-rate", "0.2"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("\"encoding\":\"gb18030\""), "detected GB18030: \(result.stdout)")
        }
        let manifest = try String(contentsOfFile: "\(out)/bad_rows.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let quarantine = try run(["quarantine", "list", "--format", "csv"]).stdout
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(
            quarantine.map { "\($0[0].split(separator: "/").last ?? ""),\($0[1]),\($0[2]),\($0[3])" }.sorted(),
            manifest.map { $0.joined(separator: ",") }.sorted()
        )
    }

    func testFullExtractFromTheCommandLine() throws {
        XCTAssertEqual(try run(["import", "residents", "Fixtures/residents.csv"]).status, 0)
        let all = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        let part = try dir.write("part.csv", all.split(separator: "\n").prefix(101).joined(separator: "\n") + "\n")
        let result = try run(["import", "residents", part, "--full"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("200 个不在名单中的居民已标记为迁出/死亡"), result.stdout)
    }
}
