import Datasets
import Diagnostics
import MianshenTesting
import Store
import XCTest

final class ProfileStoreTests: XCTestCase {
    struct Boom: Error {}

    /// Kept for the whole test: its deinit removes the folder with the database.
    var dir: TemporaryDirectory!

    func makeStore() throws -> ProfileStore {
        dir = try TemporaryDirectory()
        return try ProfileStore(path: dir.file("s.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
    }

    func licence(_ no: String, expiry: FieldValue = .null) -> [FieldValue] {
        [.text("91350100M000100Y43"), .text("企业"), .text("营业执照"), .text(no), .date(Day(year: 2020, month: 1, day: 1)!), expiry]
    }

    func start(_ sha: String) -> ImportStart {
        ImportStart(path: "x.csv", size: 1, sha256: sha, kind: "licences", format: "csv", encoding: "utf-8")
    }

    func testMigrationsAreRecorded() throws {
        let store = try makeStore()
        XCTAssertEqual(try store.schemaVersion(), ["v1-ledger", "v1-profiles", "v2-full-extracts", "v3-warnings"])
    }

    func testUpsertInsertsUpdatesAndRecordsChanges() throws {
        let store = try makeStore()
        _ = try store.performImport(start("a"), kind: .licences) { writer in
            XCTAssertEqual(try writer.upsert(self.licence("L1")), .inserted)
            return ImportDecision(accepted: true, counts: ImportCounts(), quarantine: [], message: nil)
        }
        let second = try store.performImport(start("b"), kind: .licences) { writer in
            XCTAssertEqual(try writer.upsert(self.licence("L1")), .unchanged)
            XCTAssertEqual(try writer.upsert(self.licence("L1", expiry: .date(Day(year: 2030, month: 1, day: 1)!))), .updated)
            return ImportDecision(accepted: true, counts: ImportCounts(), quarantine: [], message: nil)
        }
        XCTAssertEqual(second.status, .ok)
        XCTAssertEqual(try store.allRows(.licences).first?[5], .date(Day(year: 2030, month: 1, day: 1)!))
        XCTAssertEqual(try store.info().changeRows, 1, "one field changed once")
    }

    func testRejectedDecisionRollsBackRowsButKeepsLedgerAndQuarantine() throws {
        let store = try makeStore()
        let entry = QuarantineEntry(file: "x.csv", line: 2, field: "license_no", reason: .missingRequired, value: "", message: "m")
        let record = try store.performImport(start("a"), kind: .licences) { writer in
            _ = try writer.upsert(self.licence("L1"))
            var counts = ImportCounts()
            counts.rowsRead = 2
            counts.quarantined = 1
            return ImportDecision(accepted: false, counts: counts, quarantine: [entry], message: "拒绝")
        }
        XCTAssertEqual(record.status, .rejected)
        XCTAssertEqual(record.message, "拒绝")
        XCTAssertEqual(try store.allRows(.licences).count, 0)
        XCTAssertEqual(try store.quarantine(.importID(record.id)).map(\.entry), [entry])
    }

    func testAFileLevelErrorIsLedgeredThenRethrown() throws {
        let store = try makeStore()
        XCTAssertThrowsError(try store.performImport(start("a"), kind: .licences) { writer in
            _ = try writer.upsert(self.licence("L1"))
            throw Boom()
        }) { XCTAssertTrue($0 is Boom) }
        XCTAssertEqual(try store.info().recentImports.first?.status, .rejected)
        XCTAssertEqual(try store.allRows(.licences).count, 0)
    }

    func testUnopenableDatabaseIsAnIOError() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        XCTAssertThrowsError(try ProfileStore(path: "/nonexistent-dir/x.db", schemas: schemas)) { error in
            XCTAssertEqual((error as? StoreError)?.category, .io)
        }
    }
}
