import Datasets
import Diagnostics
import Ingest
import Logging
import MianshenTesting
import Pipeline
import Store
import XCTest

final class ImportFixtureTests: XCTestCase {
    var dir: TemporaryDirectory!
    var store: ProfileStore!
    var importer: Importer!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        store = try ProfileStore(path: dir.file("t.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        importer = Importer(store: store, logger: Logger(label: "test"))
    }

    func run(_ kind: DatasetKind, _ path: String, maxBadRate: Double = 0.05) throws -> ImportSummary {
        try importer.run(ImportRequest(kind: kind, path: path, maxBadRate: maxBadRate))
    }

    func testGoodFixturesImportCompletely() throws {
        XCTAssertEqual(try run(.residents, RepositoryPaths.fixture("residents.csv")).record.counts.inserted, 300)
        XCTAssertEqual(try run(.enterprises, RepositoryPaths.fixture("enterprises.csv")).record.counts.inserted, 100)
        let licences = try run(.licences, RepositoryPaths.fixture("licences.csv"))
        XCTAssertEqual(licences.record.counts.inserted, 152)
        XCTAssertEqual(licences.record.counts.quarantined, 0)
        XCTAssertEqual(try store.allRows(.residents).count, 300)
        XCTAssertGreaterThan(try store.info().households, 50)
    }

    /// Every bad fixture: the quarantine equals its manifest exactly (line, field, reason), and
    /// the good rows beside the bad ones are all imported.
    func testQuarantineEqualsEachManifest() throws {
        let cases: [(DatasetKind, String)] = [
            (.residents, "residents_bad"), (.enterprises, "enterprises_bad"), (.licences, "licences_bad"),
            (.residents, "residents_reject"),
        ]
        for (kind, name) in cases {
            let path = RepositoryPaths.fixture("bad/\(name).csv")
            let summary = try run(kind, path, maxBadRate: 1)
            let expected = try ManifestEntry.load(RepositoryPaths.fixture("bad/\(name).expected.csv"))
            let got = try store.quarantine(.importID(summary.record.id)).map {
                ManifestEntry(line: $0.entry.line, field: $0.entry.field, reason: $0.entry.reason.rawValue)
            }
            XCTAssertEqual(got, expected, name)
            // Values outside hand-kept lists: imported, and listed as warnings exactly as expected.
            let warningsPath = RepositoryPaths.fixture("bad/\(name).warnings.csv")
            let expectedWarnings = FileManager.default.fileExists(atPath: warningsPath) ? try ManifestEntry.load(warningsPath) : []
            let gotWarnings = try store.warnings(.importID(summary.record.id)).map {
                ManifestEntry(line: $0.entry.line, field: $0.entry.field, reason: $0.entry.reason.rawValue)
            }
            XCTAssertEqual(gotWarnings, expectedWarnings, name)
            XCTAssertEqual(summary.record.counts.warnings, expectedWarnings.count, name)
            let c = summary.record.counts
            XCTAssertEqual(c.quarantined, expected.count, name)
            XCTAssertEqual(c.inserted + c.unchanged + c.quarantined, c.rowsRead, "\(name): no row lost")
            XCTAssertEqual(summary.record.status, .ok)
        }
    }

    func testEveryReasonCodeOfTheFoundationIsExercisedByTheFixtures() throws {
        var seen = Set<String>()
        for name in ["residents_bad", "enterprises_bad", "licences_bad", "residents_reject"] {
            seen.formUnion(try ManifestEntry.load(RepositoryPaths.fixture("bad/\(name).expected.csv")).map(\.reason))
        }
        let foundation: [ReasonCode] = [
            .badCheckDigit, .badFormat, .birthMismatch, .genderMismatch, .badDate, .badEnum, .badNumber, .badDivision,
            .missingRequired, .duplicateKey, .wrongColumnCount, .badEncoding,
        ]
        XCTAssertEqual(Set(foundation.map(\.rawValue)).subtracting(seen), [])
        var warned = Set<String>()
        for name in ["residents_bad", "enterprises_bad", "licences_bad"] {
            warned.formUnion(try ManifestEntry.load(RepositoryPaths.fixture("bad/\(name).warnings.csv")).map(\.reason))
        }
        XCTAssertEqual(warned, Set(WarningCode.allCases.map(\.rawValue)), "every warning code has a fixture row")
    }

    func testReimportOfTheSameFileIsANoOp() throws {
        let path = RepositoryPaths.fixture("residents.csv")
        let first = try run(.residents, path)
        let second = try run(.residents, path)
        XCTAssertTrue(second.isNoOp)
        XCTAssertEqual(second.record.id, first.record.id)
        XCTAssertEqual(try store.info().recentImports.count, 1, "a no-op writes no ledger entry")
    }

    func testChangedRowUpdatesItsProfileAndRecordsHistory() throws {
        let original = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        let path = try dir.write("a.csv", original)
        _ = try run(.residents, path)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let id = cells[0]
        cells[10] = cells[10] == "是" ? "否" : "是"  // dibao
        let oldDibao = lines[1].split(separator: ",", omittingEmptySubsequences: false)[10]
        lines[1] = cells.joined(separator: ",")
        let changed = try dir.write("b.csv", lines.joined(separator: "\n"))
        let summary = try run(.residents, changed)
        XCTAssertEqual(summary.record.counts.updated, 1)
        XCTAssertEqual(summary.record.counts.unchanged, 299)
        let profile = try XCTUnwrap(try store.profile(key: id))
        XCTAssertEqual(profile.history.count, 1)
        XCTAssertEqual(profile.history.first?.field, "dibao")
        XCTAssertEqual(profile.history.first?.oldValue, oldDibao.isEmpty ? "" : String(oldDibao))
        XCTAssertEqual(profile.history.first?.newValue, cells[10])
        XCTAssertEqual(profile.lastImportID, summary.record.id)
    }

    func testRejectedImportKeepsOnlyItsLedgerAndQuarantine() throws {
        let summary = try run(.residents, RepositoryPaths.fixture("bad/residents_reject.csv"))
        XCTAssertTrue(summary.rejected)
        XCTAssertEqual(summary.record.status, .rejected)
        XCTAssertEqual(summary.record.counts.rowsRead, 20)
        XCTAssertEqual(summary.record.counts.quarantined, 6)
        XCTAssertEqual(try store.allRows(.residents).count, 0, "no data row committed")
        XCTAssertEqual(try store.quarantine(.importID(summary.record.id)).count, 6)
        XCTAssertTrue(summary.record.message?.contains("超过上限") ?? false)
        // Rejected content is not a no-op next time: it is read again (here with a looser limit).
        let again = try run(.residents, RepositoryPaths.fixture("bad/residents_reject.csv"), maxBadRate: 0.5)
        XCTAssertFalse(again.isNoOp)
        XCTAssertEqual(again.record.counts.inserted, 14)
    }

    func testMissingRequiredColumnStopsTheFileAndIsLedgered() throws {
        XCTAssertThrowsError(try run(.residents, RepositoryPaths.fixture("bad/residents_missing_column.csv"))) { error in
            XCTAssertEqual((error as? any CategorizedError)?.category, .dataFormat)
        }
        let ledger = try store.info().recentImports
        XCTAssertEqual(ledger.first?.status, .rejected)
        XCTAssertTrue(ledger.first?.message?.contains("id_number") ?? false)
        XCTAssertEqual(try store.allRows(.residents).count, 0)
    }

    func testChineseHeadersImportWithoutAMap() throws {
        let summary = try run(.residents, RepositoryPaths.fixture("residents_zh.csv"))
        XCTAssertEqual(summary.record.counts.inserted, 10)
        XCTAssertEqual(summary.ignoredColumns, [])
    }

    func testDuplicateKeyKeepsTheFirstRow() throws {
        let header = "holder_id,holder_kind,license_type,license_no,issue_date,expiry_date"
        let path = try dir.write("l.csv", """
            \(header)
            91350100M000100Y43,企业,营业执照,L1,2020-01-01,
            91350100M000100Y43,企业,营业执照,L1,2020-01-01,
            91350100M000100Y43,企业,营业执照,L1,2021-01-01,
            91350100M000100Y43,企业,食品经营许可证,L2,2020-01-01,2025-12-31
            """)
        let summary = try run(.licences, path, maxBadRate: 1)
        XCTAssertEqual(summary.record.counts.inserted, 2)
        XCTAssertEqual(summary.record.counts.unchanged, 1, "an identical repeat is unchanged")
        let q = try store.quarantine(.importID(summary.record.id))
        XCTAssertEqual(q.map(\.entry.line), [4])
        XCTAssertEqual(q.first?.entry.reason, .duplicateKey)
        XCTAssertEqual(try store.allRows(.licences).first?[4], .date(Day(year: 2020, month: 1, day: 1)!))
    }
}
