import Datasets
import Foundation
import GRDB
import Logging
import MianshenTesting
import Pipeline
@testable import Store
import XCTest

/// A night reads the stored rows from the snapshot the previous import left (`StoredRowsSnapshot`)
/// instead of scanning the table. A stale snapshot would skip a changed row or retire a present
/// one without a word, so: after every import the snapshot is exactly what a scan reads, a table
/// changed behind the store's back is scanned, and nights with and without snapshots leave the
/// same store.
final class StoredRowsSnapshotTests: XCTestCase {
    private let table = "\"residents\"", key = "\"id_number\""

    /// The fixture nights (first load, new, changed, padded, repeated, retired, with warnings),
    /// then night 1 again (reactivations) and night 2 again.
    private func nights() throws -> [[String]] {
        let three = try ResidentNights.three()
        return three + [three[1]]
    }

    private func importNight(_ store: ProfileStore, _ lines: [String], _ n: Int, _ dir: TemporaryDirectory) throws -> ImportSummary {
        let path = try dir.write("night\(n).csv", lines.joined(separator: "\n"))
        return try Importer(store: store, logger: Logger(label: "test")).run(
            ImportRequest(kind: .residents, path: path, maxBadRate: 0.5, full: true)
        )
    }

    private func snapshot(_ store: ProfileStore) throws -> StoredRowTable? {
        try store.pool.read { db in
            try StoredRowTable.snapshot(
                of: table, keyColumn: key, kind: .residents, generation: try ColumnCache.generation(of: .residents, db), db
            )
        }
    }

    private func scan(_ store: ProfileStore) throws -> StoredRowTable {
        try store.pool.read { db in try StoredRowTable.scan(table: table, keyColumn: key, db: db) }
    }

    /// A new store after the first two nights (the second leaves the first snapshot), and its path.
    private func storeAfterTwoNights(_ dir: TemporaryDirectory) throws -> (store: ProfileStore, path: String) {
        let path = dir.file("t.db")
        let store = try ProfileStore(path: path, schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        let nights = try nights()
        _ = try importNight(store, nights[0], 1, dir)
        _ = try importNight(store, nights[1], 2, dir)
        return (store, path)
    }

    private func assertSameRows(_ a: StoredRowTable, _ b: StoredRowTable, _ message: String, line: UInt = #line) throws {
        XCTAssertEqual(a.firstRowid, b.firstRowid, message, line: line)
        XCTAssertEqual(a.count, b.count, message, line: line)
        let (x, y) = (try a.allSlots(), try b.allSlots())
        XCTAssertTrue(x.map(\.row) == y.map(\.row), "\(message): fingerprints or flags differ", line: line)
        XCTAssertEqual(x.map(\.key), y.map(\.key), "\(message): keys differ", line: line)
        XCTAssertEqual(a.longKeys, b.longKeys, message, line: line)
        XCTAssertEqual(a.keysAreDigits, b.keysAreDigits, message, line: line)
    }

    func testEveryNightLeavesTheRowsAScanReads() throws {
        let dir = try TemporaryDirectory()
        let store = try ProfileStore(path: dir.file("t.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        for (n, lines) in try nights().enumerated() {
            let summary = try importNight(store, lines, n + 1, dir)
            XCTAssertEqual(summary.record.status, .ok)
            guard n > 0 else {
                XCTAssertNil(try snapshot(store), "a first load leaves none")
                continue
            }
            let saved = try XCTUnwrap(try snapshot(store), "night \(n + 1) left no snapshot")
            let scanned = try scan(store)
            try assertSameRows(saved, scanned, "night \(n + 1)")
        }
        // Night 2 again retired 281–290 (back on night 3), and has resident 30 padded (other raw bytes).
        let scanned = try scan(store)
        XCTAssertEqual(try scanned.allSlots().filter { $0.row.flags & StoredRowTable.Packed.active == 0 }.count, 10)
    }

    /// A residents' snapshot keeps each 身份证号 in 8 bytes. One in the 24-byte form (what earlier
    /// versions wrote, and what keys of other forms still take) reads as the same rows, and the
    /// night that reads it leaves the 8-byte form.
    func testResidentKeysAreKeptInEightBytesAndTheEarlierFormIsStillRead() throws {
        let dir = try TemporaryDirectory()
        let (store, path) = try storeAfterTwoNights(dir)
        func bytesASlot() throws -> Double {
            let sql = "SELECT sum(length(data)) FROM column_cache WHERE name LIKE ':stored-rows/%'"
            let bytes = try XCTUnwrap(Double(try SQLiteShell.run(path, sql).trimmingCharacters(in: .whitespacesAndNewlines)))
            return bytes / Double(try scan(store).count)
        }
        XCTAssertEqual(try bytesASlot(), 25)
        XCTAssertTrue(try XCTUnwrap(try snapshot(store)).keysAreDigits)

        try store.pool.write { db in
            try StoredRowTable.scan(table: table, keyColumn: key, db: db).saveSnapshot(
                StoredRowEdits(), kind: .residents, generation: try ColumnCache.generation(of: .residents, db), db, compactKeys: true
            )
        }
        XCTAssertEqual(try bytesASlot(), 41)
        let earlier = try XCTUnwrap(try snapshot(store), "the 24-byte form is read")
        try assertSameRows(earlier, try scan(store), "the 24-byte form")
        XCTAssertTrue(earlier.keysAreDigits, "read into 8 bytes a key")

        XCTAssertEqual(try importNight(store, try nights()[2], 3, dir).record.status, .ok)
        XCTAssertEqual(try bytesASlot(), 25, "the earlier snapshot is gone, though no cache was patched")
        try assertSameRows(try XCTUnwrap(try snapshot(store)), try scan(store), "after a night from the 24-byte form")
    }

    /// A row written before v12-row-fingerprint (no fingerprint): the night records one, and the
    /// snapshot it leaves says so.
    func testARecordedFingerprintIsInTheSnapshot() throws {
        let dir = try TemporaryDirectory()
        let (store, path) = try storeAfterTwoNights(dir)
        let nights = try nights()
        // As a store before v12 (the column cache trusts its generation alike): rows edited by
        // hand outside the sampled slots go unseen, an edit of a sampled slot (the first) is seen.
        try SQLiteShell.run(path, "UPDATE residents SET row_fingerprint = NULL, raw_fingerprint = NULL WHERE rowid IN (7, 8)")
        XCTAssertNotNil(try snapshot(store))
        try SQLiteShell.run(path, "UPDATE residents SET row_fingerprint = NULL WHERE rowid = 1")
        XCTAssertNil(try snapshot(store))
        _ = try importNight(store, nights[2], 3, dir)
        let saved = try XCTUnwrap(try snapshot(store))
        let scanned = try scan(store)
        try assertSameRows(saved, scanned, "after recording fingerprints")
        XCTAssertEqual(
            try SQLiteShell.run(path, "SELECT count(*) FROM residents WHERE row_fingerprint IS NULL OR raw_fingerprint IS NULL"),
            "1\n", "every row has its fingerprints again (resident 10's warning leaves its raw one empty)"
        )
    }

    /// A snapshot no longer describes a table whose rows were deleted or edited by hand (in a
    /// sampled slot): the night scans, and a deleted resident comes back as new. (The deletion,
    /// by another process while this one holds the store open, was lost before `writeAlone`
    /// read the store before leaving WAL: the import wrote from pages cached before it.)
    func testATableChangedBehindTheStoresBackIsScanned() throws {
        let dir = try TemporaryDirectory()
        let (store, path) = try storeAfterTwoNights(dir)
        let nights = try nights()
        XCTAssertNotNil(try snapshot(store))
        try SQLiteShell.run(path, "DELETE FROM residents WHERE rowid = 100")
        XCTAssertNil(try snapshot(store), "one row fewer than the snapshot's")
        let summary = try importNight(store, nights[2], 3, dir)
        XCTAssertEqual(summary.record.counts.inserted, 1, "the deleted resident")
        XCTAssertEqual(summary.record.counts.deactivated, 10, "291–300")
        let saved = try XCTUnwrap(try snapshot(store))
        let scanned = try scan(store)
        try assertSameRows(saved, scanned, "after the deleted resident came back")
        try SQLiteShell.run(path, "UPDATE residents SET active = 0 WHERE rowid = (SELECT max(rowid) FROM residents)")
        XCTAssertNil(try snapshot(store), "the last slot is sampled")
    }

    /// The same nights with every snapshot removed before each import (so each night scans) leave
    /// the same rows, change history and counts, and skip the same records.
    func testNightsFromSnapshotsEqualNightsFromScans() throws {
        func run(removingSnapshots: Bool) throws -> Nights {
            try runNights { n, lines, path, store in
                if removingSnapshots { try SQLiteShell.run(path, "DELETE FROM column_cache WHERE name LIKE ':stored-rows%'") }
                XCTAssertEqual(try snapshot(store) == nil, removingSnapshots || n <= 1, "night \(n + 1)")
                return lines
            }
        }
        let fromSnapshots = try run(removingSnapshots: false)
        let fromScans = try run(removingSnapshots: true)
        XCTAssertEqual(fromSnapshots.summaries, fromScans.summaries)
        XCTAssertEqual(fromSnapshots.summaries[1], "292 10 1 280 10 1 277")
        XCTAssertEqual(fromSnapshots.rows, fromScans.rows)
        XCTAssertEqual(fromSnapshots.history, fromScans.history)
        XCTAssertFalse(fromSnapshots.history.isEmpty)
    }

    /// Each stage finds a night's rows in the order the table holds them first, and through the
    /// key index otherwise (`StoredRowCursor`): the same nights with their rows in another order
    /// (repeats of a key still in theirs, so that the same one comes first) leave the same rows
    /// and history, count the same, and skip the same records unread.
    func testANightInAnotherOrderIsTheSameNight() throws {
        let inOrder = try runNights { _, lines, _, _ in lines }
        let reordered = try runNights { n, lines, _, _ in
            guard n > 0 else { return lines }
            let keyColumn = try XCTUnwrap(lines[0].split(separator: ",").firstIndex(of: "id_number"))
            let rows = lines.dropFirst().enumerated().map { index, line in
                (key: String(line.split(separator: ",", omittingEmptySubsequences: false)[keyColumn].reversed()), index: index, line: line)
            }
            return [lines[0]] + rows.sorted { ($0.key, $0.index) < ($1.key, $1.index) }.map(\.line)
        }
        XCTAssertEqual(inOrder.summaries, reordered.summaries)
        XCTAssertEqual(reordered.summaries[1], "292 10 1 280 10 1 277")
        XCTAssertEqual(inOrder.rows, reordered.rows)
        XCTAssertEqual(inOrder.history.sorted(), reordered.history.sorted())
    }

    private typealias Nights = (summaries: [String], rows: [[FieldValue]], history: [String])

    /// The fixture nights imported into a new store, each night's lines first passed through
    /// `prepare` (with the night's number from 0, the store's path and the store): each night's
    /// counts, then the rows and the change history's lines in order.
    private func runNights(_ prepare: (Int, [String], String, ProfileStore) throws -> [String]) throws -> Nights {
        let dir = try TemporaryDirectory()
        let path = dir.file("t.db")
        let store = try ProfileStore(path: path, schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        var summaries: [String] = []
        for (n, lines) in try nights().enumerated() {
            let summary = try importNight(store, try prepare(n, lines, path, store), n + 1, dir)
            let c = summary.record.counts
            summaries.append("\(c.rowsRead) \(c.inserted) \(c.updated) \(c.unchanged) \(c.deactivated) \(c.quarantined) \(summary.unreadUnchanged)")
        }
        let history = try SQLiteShell.run(path, "SELECT import_id, entity_key, field, old_value, new_value FROM changes ORDER BY id")
        return (summaries, try store.allRows(.residents), history.split(separator: "\n").map(String.init))
    }

    /// Licence numbers longer than a compact key are kept at the snapshot's end, new ones too.
    func testLongKeysAreKept() throws {
        let dir = try TemporaryDirectory()
        let store = try ProfileStore(path: dir.file("t.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        func licence(_ no: String, expiry: Int = 1) -> [FieldValue] {
            [
                .text("91350100M000100Y43"), .text("企业"), .text("营业执照"), .text(no),
                .date(Day(year: 2020, month: 1, day: 1)!), .date(Day(year: 2030, month: 1, day: expiry)!),
            ]
        }
        let long = "LONG-LICENCE-NUMBER-000000001", newer = "LONG-LICENCE-NUMBER-000000002"
        func night(_ sha: String, _ numbers: [(String, Int)]) throws {
            let start = ImportStart(path: "x.csv", size: 1, sha256: sha, kind: "licences", format: "csv", encoding: "utf-8", full: true)
            _ = try store.performImport(start, kind: .licences) { writer in
                for (no, expiry) in numbers { _ = try writer.upsert(licence(no, expiry: expiry)) }
                _ = try writer.deactivateUnseen()
                return ImportDecision(accepted: true, counts: ImportCounts(), quarantine: [], message: nil)
            }
        }
        let short = (0..<100).map { String(format: "L%03d", $0) }
        try night("a", short.map { ($0, 1) } + [(long, 1)])
        try night("b", short.map { ($0, $0 == "L050" ? 2 : 1) } + [(long, 2), (newer, 1)])
        let licences = "\"licences\"", number = "\"license_no\""
        func check(_ message: String) throws {
            let saved = try XCTUnwrap(try store.pool.read { db in
                try StoredRowTable.snapshot(
                    of: licences, keyColumn: number, kind: .licences, generation: try ColumnCache.generation(of: .licences, db), db
                )
            }, message)
            let scanned = try store.pool.read { db in try StoredRowTable.scan(table: licences, keyColumn: number, db: db) }
            try assertSameRows(saved, scanned, message)
            XCTAssertEqual(Set(saved.longKeys.values), [long, newer], message)
        }
        try check("after a night with a new long key")
        try night("c", short.map { ($0, 1) } + [(newer, 1)])
        try check("after the first long key was retired")
    }
}
