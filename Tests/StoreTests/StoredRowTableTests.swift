import Datasets
import MianshenTesting
import Store
import XCTest

/// A full extract into a large table reads the stored rows in two halves at once (the upper on a
/// connection of its own): every key is found in either half, long keys included, and what the
/// file no longer lists is retired, exactly as with one scan.
final class StoredRowTableTests: XCTestCase {
    private let long = "LONG-LICENCE-NUMBER-000000001"  // longer than a CompactKey holds

    private func licence(_ no: String, expiry: Int = 1) -> [FieldValue] {
        [
            .text("91350100M000100Y43"), .text("企业"), .text("营业执照"), .text(no),
            .date(Day(year: 2020, month: 1, day: 1)!), .date(Day(year: 2030, month: 1, day: expiry)!),
        ]
    }

    private func start(_ sha: String) -> ImportStart {
        ImportStart(path: "x.csv", size: 1, sha256: sha, kind: "licences", format: "csv", encoding: "utf-8", full: true)
    }

    /// 250,000 licences and a long-numbered one (rowid r holds `numbers[r - 1]`) in a new store.
    private func firstLoad(
        _ dir: TemporaryDirectory, numbers: [String]? = nil
    ) throws -> (store: ProfileStore, path: String, numbers: [String]) {
        let path = dir.file("s.db")
        let store = try ProfileStore(path: path, schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        let numbers = numbers ?? (0..<250_000).map { String(format: "L%06d", $0) } + [long]
        _ = try store.performImport(start("a"), kind: .licences) { writer in
            for no in numbers { _ = try writer.upsert(self.licence(no)) }
            return ImportDecision(accepted: true, counts: ImportCounts(), quarantine: [], message: nil)
        }
        return (store, path, numbers)
    }

    /// Tonight's full extract: every number but `omitted`, those in `changed` with a new expiry.
    private func night(
        _ store: ProfileStore, _ numbers: [String], omitting omitted: String, changed: Set<String>
    ) throws -> (record: ImportRecord, counts: ImportCounts) {
        var counts = ImportCounts()
        let record = try store.performImport(start("b"), kind: .licences) { writer in
            for no in numbers where no != omitted {
                switch try writer.upsert(self.licence(no, expiry: changed.contains(no) ? 2 : 1)) {
                case .inserted: counts.inserted += 1
                case .updated: counts.updated += 1
                case .unchanged: counts.unchanged += 1
                }
            }
            counts.deactivated = try writer.deactivateUnseen()
            return ImportDecision(accepted: true, counts: counts, quarantine: [], message: nil)
        }
        return (record, counts)
    }

    func testAFullExtractIntoALargeTableFindsEveryKeyInBothHalves() throws {
        let dir = try TemporaryDirectory()
        let (store, path, numbers) = try firstLoad(dir)
        // Tonight: one change in each half and in the long key, one licence gone from the upper half.
        let (record, counts) = try night(store, numbers, omitting: "L240000", changed: ["L000010", "L200000", long])
        XCTAssertEqual(record.status, .ok)
        XCTAssertEqual([counts.inserted, counts.updated, counts.unchanged, counts.deactivated], [0, 3, 249_997, 1])
        XCTAssertEqual(
            try sqlite(path, "SELECT entity_key || ' ' || field || ' ' || ifnull(new_value, '') FROM changes ORDER BY entity_key"),
            "L000010 expiry_date 2030-01-02\nL200000 expiry_date 2030-01-02\nL240000 active 否\n\(long) expiry_date 2030-01-02\n"
        )
    }

    /// Keys that are all 18 digits are kept in 8 bytes a slot (`StoredSlots`); one of another form
    /// in the upper half stops both halves' scans and the table is scanned again into 24. Either
    /// way every key is found.
    func testDigitKeysAndAnotherKeyInTheUpperHalf() throws {
        let digits = (0..<250_000).map { String(format: "410103199001%06d", $0) }
        for other in [nil, 200_000] as [Int?] {
            var numbers = digits + [long]
            if let other { numbers[other] = "L\(other)" }
            let dir = try TemporaryDirectory()
            let (store, path, _) = try firstLoad(dir, numbers: numbers)
            let changed: Set<String> = [numbers[10], numbers[200_000], numbers[249_999], long]
            let (record, counts) = try night(store, numbers, omitting: numbers[240_000], changed: changed)
            XCTAssertEqual(record.status, .ok)
            XCTAssertEqual([counts.inserted, counts.updated, counts.unchanged, counts.deactivated], [0, 4, 249_996, 1], "\(String(describing: other))")
            XCTAssertEqual(try sqlite(path, "SELECT count(*) FROM changes"), "5\n")
        }
    }

    /// Slots are rowids (`firstRowid + slot`): rows deleted by hand leave gaps, empty slots when
    /// few (the two halves still scanned at once), slots in order with their rowids kept when
    /// many. Either way every remaining key is found, a deleted one comes back as new, and what
    /// the file no longer lists is retired.
    func testGapsInTheRowidsAreEmptySlotsOrKeptRowids() throws {
        try checkNight(deleting: "rowid % 1000 = 0", deleted: { $0 % 1000 == 0 })  // 250 gaps: empty slots
        try checkNight(deleting: "rowid % 3 = 1", deleted: { $0 % 3 == 1 })  // a third gone: rowids kept
    }

    private func checkNight(deleting condition: String, deleted: (Int) -> Bool, line: UInt = #line) throws {
        let dir = try TemporaryDirectory()
        let (store, path, numbers) = try firstLoad(dir)
        try sqlite(path, "DELETE FROM licences WHERE \(condition)")
        let changed: Set<String> = ["L000010", "L200000", long]
        let omitted = "L240001"  // rowid 240,002: kept by both deletions
        let (_, counts) = try night(store, numbers, omitting: omitted, changed: changed)
        let gone = Set(numbers.indices.filter { deleted($0 + 1) }.map { numbers[$0] })
        XCTAssertFalse(gone.contains(omitted), line: line)
        let updated = changed.subtracting(gone).count
        XCTAssertEqual(
            [counts.inserted, counts.updated, counts.unchanged, counts.deactivated],
            [gone.count, updated, numbers.count - 1 - gone.count - updated, 1], line: line
        )
        XCTAssertEqual(
            try sqlite(path, "SELECT count(*), count(DISTINCT license_no), sum(active) FROM licences"),
            "\(numbers.count)|\(numbers.count)|\(numbers.count - 1)\n", line: line
        )
    }
}
