import Datasets
import MianshenTesting
import Store
import XCTest

/// Imports store each row's fingerprint (v12-row-fingerprint); a later import skips a row with
/// the same fingerprint and compares the fields of any other, so a row written before the
/// migration (no fingerprint) or changed is still found out, and a full extract retires what
/// it no longer lists.
final class RowFingerprintTests: XCTestCase {
    func licence(_ no: String, expiry: FieldValue = .null) -> [FieldValue] {
        [.text("91350100M000100Y43"), .text("企业"), .text("营业执照"), .text(no), .date(Day(year: 2020, month: 1, day: 1)!), expiry]
    }

    func start(_ sha: String, full: Bool) -> ImportStart {
        ImportStart(path: "x.csv", size: 1, sha256: sha, kind: "licences", format: "csv", encoding: "utf-8", full: full)
    }

    func testFingerprintsAreStableAcrossProcessesAndDifferentRowsDiffer() {
        // Fixed values: stored fingerprints must mean the same in every process and version
        // (another hash would make every stored row compare field by field once).
        XCTAssertEqual(FieldValue.fingerprint(of: [.text("ab"), .null]), FieldValue.fingerprint(of: [.text("ab"), .null]))
        XCTAssertNotEqual(FieldValue.fingerprint(of: [.text("ab"), .text("c")]), FieldValue.fingerprint(of: [.text("a"), .text("bc")]))
        XCTAssertNotEqual(FieldValue.fingerprint(of: [.integer(1)]), FieldValue.fingerprint(of: [.decimal(1)]))
        XCTAssertNotEqual(FieldValue.fingerprint(of: [.null]), FieldValue.fingerprint(of: [.text("")]))
        XCTAssertEqual(FieldValue.fingerprint(of: [.text("身份证号 410103199001011234")]), -4_142_014_567_691_344_551)
    }

    func testRowsWithoutOrWithAStaleFingerprintAreComparedAndFullExtractsRetire() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("s.db")
        let store = try ProfileStore(path: path, schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        _ = try store.performImport(start("a", full: true), kind: .licences) { writer in
            for no in ["L1", "L2", "L3", "L4"] { XCTAssertEqual(try writer.upsert(self.licence(no)), .inserted) }
            return ImportDecision(accepted: true, counts: ImportCounts(), quarantine: [], message: nil)
        }
        XCTAssertEqual(try sqlite(path, "SELECT count(*) FROM licences WHERE row_fingerprint IS NULL"), "0\n")
        // As a store written before v12 (L1, L2), and one whose stored value changed under its
        // fingerprint (L3: the fingerprint no longer matches the row and must not be trusted blindly).
        try sqlite(path, """
            UPDATE licences SET row_fingerprint = NULL WHERE license_no IN ('L1', 'L2');
            UPDATE licences SET row_fingerprint = 42 WHERE license_no = 'L3';
            """)
        let record = try store.performImport(start("b", full: true), kind: .licences) { writer in
            XCTAssertEqual(try writer.upsert(self.licence("L1")), .unchanged)
            XCTAssertEqual(try writer.upsert(self.licence("L2", expiry: .date(Day(year: 2030, month: 1, day: 1)!))), .updated)
            XCTAssertEqual(try writer.upsert(self.licence("L3")), .unchanged)
            XCTAssertEqual(try writer.upsert(self.licence("L5")), .inserted)
            var counts = ImportCounts()
            counts.deactivated = try writer.deactivateUnseen()
            XCTAssertEqual(counts.deactivated, 1, "L4 is not in tonight's extract")
            return ImportDecision(accepted: true, counts: counts, quarantine: [], message: nil)
        }
        XCTAssertEqual(record.status, .ok)
        XCTAssertEqual(try sqlite(path, "SELECT count(*) FROM licences WHERE row_fingerprint IS NULL"), "0\n")
        XCTAssertEqual(
            try sqlite(path, "SELECT entity_key || ' ' || field || ' ' || ifnull(new_value, '') FROM changes ORDER BY id"),
            "L2 expiry_date 2030-01-01\nL4 active 否\n"
        )
        XCTAssertEqual(try sqlite(path, "SELECT license_no || active FROM licences ORDER BY license_no"), "L11\nL21\nL31\nL40\nL51\n")
        // L4 comes back the night after: reactivated, recorded.
        _ = try store.performImport(start("c", full: true), kind: .licences) { writer in
            XCTAssertEqual(try writer.upsert(self.licence("L4")), .updated)
            return ImportDecision(accepted: true, counts: ImportCounts(), quarantine: [], message: nil)
        }
        XCTAssertEqual(try sqlite(path, "SELECT field || ' ' || new_value FROM changes WHERE entity_key = 'L4' ORDER BY id"), "active 否\nactive 是\n")
    }
}
