import Datasets
import MianshenTesting
import Pipeline
import Store
import XCTest

/// A stale hand-kept list never costs a row: structurally valid codes it lacks are imported,
/// warned about, and never counted toward the bad-row limit.
extension ImportFixtureTests {
    /// The committed residents fixture with every household of one listed street moved to
    /// streets the list lacks (about one row in six, as in the extract of issue 9).
    func residentsWithUnlistedStreets() throws -> (path: String, unlisted: Int, rows: Int) {
        let text = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let division = try XCTUnwrap(lines[0].split(separator: ",").firstIndex(of: "hukou_division"))
        var unlisted = 0
        for i in lines.indices.dropFirst() {
            var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard i % 6 == 0, cells[division].hasPrefix("410103") else { continue }
            cells[division] = "4101030" + String(15 + i % 80)
            lines[i] = cells.joined(separator: ",")
            unlisted += 1
        }
        return (try dir.write("unlisted.csv", lines.joined(separator: "\n") + "\n"), unlisted, lines.count - 1)
    }

    func testUnlistedStreetsImportWithWarningsAndDoNotCountTowardTheLimit() throws {
        let (path, unlisted, rows) = try residentsWithUnlistedStreets()
        XCTAssertGreaterThan(Double(unlisted) / Double(rows), 0.05, "more than the default bad-row limit")
        let summary = try importer.run(ImportRequest(kind: .residents, path: path))
        XCTAssertEqual(summary.record.status, .ok, summary.record.message ?? "")
        XCTAssertEqual(summary.record.counts.quarantined, 0)
        XCTAssertEqual(summary.record.counts.inserted, rows)
        XCTAssertEqual(summary.record.counts.warnings, unlisted, "the ledger keeps the warning count")
        XCTAssertEqual(summary.rowsWithUnknownDivision, unlisted)
        XCTAssertEqual(summary.warningReasons.map(\.reason), [.unknownDivision])
        XCTAssertEqual(summary.unknownDivisionCodes.count, 5, "the five codes seen most")
        XCTAssertTrue(summary.unknownDivisionCodes.allSatisfy { store.schemas.divisions.isUnlistedErqiTownship($0.code) })
        XCTAssertEqual(summary.unknownDivisionCodes.map(\.rows), summary.unknownDivisionCodes.map(\.rows).sorted(by: >))
        let warnings = try store.warnings(.latestPerFile)
        XCTAssertEqual(warnings.count, unlisted)
        XCTAssertTrue(warnings.allSatisfy { $0.entry.field == "hukou_division" && $0.entry.value.hasPrefix("4101030") })
        XCTAssertEqual(try store.quarantine(.latestPerFile), [], "nothing rejected")
        XCTAssertEqual(try store.info().warningRows, unlisted)
        // Stored as written.
        let stored = try store.allRows(.residents).map { $0[4] }
        XCTAssertEqual(stored.filter { if case .text(let code) = $0 { store.schemas.divisions.isUnlistedErqiTownship(code) } else { false } }.count, unlisted)
        // The same file again is a no-op: no second set of warnings.
        let again = try importer.run(ImportRequest(kind: .residents, path: path))
        XCTAssertTrue(again.isNoOp)
        XCTAssertEqual(try store.warnings(.all).count, unlisted)
    }

    func testAStrayQuoteCostsOneLine() throws {
        let text = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        var cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[1] = "\"" + cells[1]  // line 3: a name that opens a quote and never closes it
        lines[2] = cells.joined(separator: ",")
        let path = try dir.write("stray.csv", lines.joined(separator: "\n") + "\n")
        let summary = try importer.run(ImportRequest(kind: .residents, path: path))
        XCTAssertEqual(summary.record.status, .ok)
        XCTAssertEqual(summary.record.counts.rowsRead, 300)
        XCTAssertEqual(summary.record.counts.quarantined, 1)
        XCTAssertEqual(summary.record.counts.inserted, 299, "every other row imported")
        let entry = try XCTUnwrap(try store.quarantine(.latestPerFile).first?.entry)
        XCTAssertEqual(entry.line, 3)
        XCTAssertEqual(entry.reason, .wrongColumnCount)
        XCTAssertTrue(entry.message.contains("第 2 列（name）以引号开头"), entry.message)
    }
}
