import Foundation
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
        // In the order they were registered (the store lists them sorted by name).
        let registered = ["v1-ledger", "v1-profiles", "v2-full-extracts", "v3-warnings", "v4-conditional-empty", "v5-runs", "v6-column-cache", "v7-grants", "v7b-application-status", "v8-reviews", "v9-audit", "v9b-runs-reviewed", "v9c-grant-flag-closing", "v10-push", "v11-nightly", "v12-row-fingerprint", "v13-id-list-deltas", "v14-raw-fingerprint", "v15-review-segments", "v16-column-cache-generation-key"]
        XCTAssertEqual(try store.schemaVersion(), registered.sorted())
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

    func testARowWithTooFewValuesIsAnErrorNotACrash() throws {
        let store = try makeStore()
        var message = ""
        _ = try? store.performImport(start("a"), kind: .licences) { writer in
            do {
                _ = try writer.upsert(Array(self.licence("L1").dropLast()))
            } catch {
                message = String(describing: error)
            }
            // A batch's last row cut short: the same.
            XCTAssertThrowsError(try writer.upsert(FlatValues(self.licence("L2")), at: 1, fingerprint: 0, rawFingerprint: nil))
            return ImportDecision(accepted: false, counts: ImportCounts(), quarantine: [], message: nil)
        }
        XCTAssertTrue(message.contains("一行应有 6 个值，只给了 5 个"), message)
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

/// A store written before `empty:` could be conditional holds 0 (从未升规) for 规上 firms whose
/// first year was empty; opening it with v4 turns those back into unknown, and only those.
final class ConditionalEmptyMigrationTests: XCTestCase {
    func testZerosTheOldRuleWroteForAboveScaleFirmsBecomeUnknown() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("old.db")
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let schema = schemas.enterprises
        func firm(_ uscc: String, aboveScale: FieldValue, year: FieldValue) throws -> [FieldValue] {
            var row = [FieldValue](repeating: .null, count: schema.fields.count)
            for (name, value) in [
                ("uscc", FieldValue.text(uscc)), ("name", .text("某公司")), ("reg_division", .text("410103001")),
                ("established", .date(Day(year: 2010, month: 1, day: 1)!)), ("industry", .text("C39")),
                ("above_scale", aboveScale), ("first_above_scale_year", year),
            ] {
                row[try XCTUnwrap(schema.index(of: name), name)] = value
            }
            return row
        }
        do {
            let store = try ProfileStore(path: path, schemas: schemas)
            _ = try store.performImport(
                ImportStart(path: "e.csv", size: 1, sha256: "e", kind: "enterprises", format: "csv", encoding: "utf-8"),
                kind: .enterprises
            ) { writer in
                for row in [
                    try firm("91350100M000100Y43", aboveScale: .bool(true), year: .integer(0)),  // the old rule's 0
                    try firm("91110000100000000A", aboveScale: .null, year: .integer(0)),
                    try firm("9111000010000001XA", aboveScale: .bool(false), year: .integer(0)),  // 从未升规 indeed
                    try firm("91110000100000002A", aboveScale: .bool(true), year: .integer(2021)),
                ] {
                    _ = try writer.upsert(row)
                }
                return ImportDecision(accepted: true, counts: ImportCounts(), quarantine: [], message: nil)
            }
        }
        // Pretend the store predates v4, then open it again.
        try sqlite(path, "DELETE FROM grdb_migrations WHERE identifier = 'v4-conditional-empty'")
        _ = try ProfileStore(path: path, schemas: schemas)
        XCTAssertEqual(
            try sqlite(path, "SELECT uscc || '=' || ifnull(first_above_scale_year, 'NULL') FROM enterprises ORDER BY uscc"),
            "91110000100000000A=NULL\n91110000100000002A=2021\n9111000010000001XA=0\n91350100M000100Y43=NULL\n"
        )
    }
}

/// The sqlite3 shell (installed by .ci/run): the store's API has no raw SQL, on purpose.
@discardableResult
func sqlite(_ path: String, _ sql: String) throws -> String {
    try SQLiteShell.run(path, sql)
}

/// The store's files while it is open: database, WAL and SHM are owner-only whatever the umask.
final class StoreFileModesTests: XCTestCase {
    func testDatabaseWALAndSHMAreOwnerOnly() throws {
        let dir = try TemporaryDirectory()
        let saved = umask(0)
        defer { umask(saved) }
        let path = dir.file("s.db")
        let store = try ProfileStore(path: path, schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        _ = try store.appendAudit(operatorName: "t", command: "test", scope: "一条", entity: nil, purpose: nil, unmasked: false) { _ in "x" }
        for file in StoreFiles.paths(of: path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            XCTAssertEqual(attributes[.posixPermissions] as? Int, 0o600, file)
        }
        XCTAssertTrue(StoreFiles.exposed(path).isEmpty)
        XCTAssertEqual(chmod(path, 0o640), 0)
        XCTAssertEqual(StoreFiles.exposed(path).map(\.path), [path])
        XCTAssertEqual(StoreFiles.exposed(path).first?.mode, 0o640)
        withExtendedLifetime(store) {}
    }
}
