import Datasets
import Foundation
import Ingest
import MianshenTesting
import XCTest

final class JSONLinesTests: XCTestCase {
    func read(_ text: String) throws -> (rows: [(Int, [RawCell])], bad: [QuarantineEntry], ignored: [String]) {
        let dir = try TemporaryDirectory()
        let path = try dir.write("x.jsonl", text)
        let schema = try SchemaLoader.load(kind: .licences, directory: RepositoryPaths.schemas)
        let source = try JSONLinesRecordSource(path: path, schema: schema)
        var cells: [RawCell] = []
        var rows: [(Int, [RawCell])] = []
        var bad: [QuarantineEntry] = []
        while let record = try source.next(cells: &cells) {
            switch record {
            case .row(let line): rows.append((line, cells))
            case .malformed(let entry, _): bad.append(entry)
            case .unchanged: XCTFail("no lookup was given")
            }
        }
        return (rows, bad, source.ignoredColumns)
    }

    func testObjectsMapByNameOrAliasWithMissingAndNullEmpty() throws {
        let result = try read("""
            {"holder_id": "91350100M000100Y43", "holder_kind": "企业", "证照类型": "营业执照", "license_no": "L\\u0031", "issue_date": "2020-01-01", "expiry_date": null, "备注": 1}

            {"license_no": 12.50, "issue_date": "2020-01-01"}
            """)
        XCTAssertEqual(result.rows.map(\.0), [1, 3], "blank line skipped, lines count physically")
        XCTAssertEqual(result.rows[0].1, [
            .text("91350100M000100Y43"), .text("企业"), .text("营业执照"), .text("L1"), .text("2020-01-01"), .text(""),
        ])
        XCTAssertEqual(result.rows[1].1[3], .text("12.50"), "numbers keep their exact text")
        XCTAssertEqual(result.rows[1].1[0], .text(""), "a missing key is an empty cell")
        XCTAssertEqual(result.ignored, ["备注"])
    }

    func testBadLinesAreQuarantinedAndTheRestContinue() throws {
        let result = try read("""
            {"license_no": "A"}
            [1, 2]
            {"license_no": "B"
            {"license_no": {"x": 1}}
            {"license_no": "C"} trailing
            {"license_no": "D"}
            """)
        XCTAssertEqual(result.rows.map(\.0), [1, 6])
        XCTAssertEqual(result.bad.map(\.line), [2, 3, 4, 5])
        XCTAssertTrue(result.bad.allSatisfy { $0.reason == .badJSON })
    }

    func testBooleansAndEscapes() throws {
        let result = try read(#"{"license_no": "a\"b\\c\n", "holder_kind": true, "license_type": "\ud83d\ude00"}"#)
        XCTAssertEqual(result.rows[0].1[3], .text("a\"b\\c\n"))
        XCTAssertEqual(result.rows[0].1[1], .text("是"))
        XCTAssertEqual(result.rows[0].1[2], .text("😀"))
    }
}
