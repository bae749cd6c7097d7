import Datasets
import Foundation
import Generator
import Logging
import MianshenTesting
import Pipeline
import Store
import XCTest

/// A full extract's repeats of keys the store holds are told by slot (`RepeatDetector`): the
/// first row's fingerprint is the stored row's when it came unchanged, and is kept apart only
/// when it changed; a night that changed most rows keeps every first fingerprint instead. Either
/// way an identical repeat is counted unchanged and a conflicting one quarantined, and the store
/// ends as if the file had no repeats.
final class NightRepeatsTests: XCTestCase {
    func testRepeatsOfAFewChangedRows() throws {
        try check(changed: { $0 % 13 == 1 })
    }

    /// 1,200 of 1,300 rows changed: past the detector's 1,024 kept apart, it keeps them all.
    func testRepeatsOfMostRowsChanged() throws {
        try check(changed: { $0 % 13 != 0 })
    }

    private func check(changed: (Int) -> Bool) throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let generated = dir.file("night-0")
        _ = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
            residents: 1_300, enterprises: 100, outputDirectory: generated, seed: 5, night: 0
        )).run()
        let lines = try String(contentsOfFile: generated + "/residents.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let rows = Array(lines.dropFirst())
        XCTAssertEqual(rows.count, 1_300)
        let phone = try XCTUnwrap(lines[0].split(separator: ",").map(String.init).firstIndex(of: "phone"))
        func withPhone(_ row: String, _ number: Int) -> String {
            var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[phone] = "139" + String(format: "%08d", number)
            return cells.joined(separator: ",")
        }
        let night = rows.indices.map { changed($0) ? withPhone(rows[$0], $0) : rows[$0] }
        let changedCount = rows.indices.filter(changed).count
        // Repeated: an unchanged row and a changed one from early in the file (before the
        // detector may keep them all) and from late in it, each once as it was and once with
        // another phone.
        let early = [0, 1].map { i in rows.indices.first { changed($0) == (i == 1) } ?? 0 }
        let late = [0, 1].map { i in rows.indices.last { changed($0) == (i == 1) } ?? 0 }
        let repeated = early + late
        XCTAssertEqual(repeated.map(changed), [false, true, false, true])
        let repeats = repeated.flatMap { [night[$0], withPhone(rows[$0], 90_000 + $0)] }

        let unchanged = try dir.write("unchanged.csv", ([lines[0]] + rows.reversed()).joined(separator: "\n") + "\n")
        let clean = try dir.write("clean.csv", ([lines[0]] + night).joined(separator: "\n") + "\n")
        let withRepeats = try dir.write("repeats.csv", ([lines[0]] + night + repeats).joined(separator: "\n") + "\n")
        var stores: [ProfileStore] = []
        for (name, night) in [("clean", clean), ("repeats", withRepeats)] {
            let store = try ProfileStore(path: dir.file("\(name).db"), schemas: schemas)
            let importer = Importer(store: store, logger: Logger(label: "test"))
            XCTAssertEqual(try importer.run(ImportRequest(kind: .residents, path: generated + "/residents.csv")).record.status, .ok)
            // A night that changes nothing first: the night after it reads the stored rows it
            // leaves (`StoredRowsSnapshot`), where the night after a first load scans the table.
            for path in [unchanged, night] {
                XCTAssertEqual(try importer.run(ImportRequest(kind: .residents, path: path, full: true)).record.status, .ok)
            }
            stores.append(store)
        }
        let records = try stores[1].info().recentImports.sorted { $0.id < $1.id }
        XCTAssertEqual(records.count, 3)
        let counts = try XCTUnwrap(records.last).counts
        XCTAssertEqual(counts.updated, changedCount)
        XCTAssertEqual(counts.unchanged, 1_300 - changedCount + 4, "the identical repeats are unchanged")
        XCTAssertEqual(counts.quarantined, 4)
        let quarantine = try stores[1].quarantine(.importID(try XCTUnwrap(records.last).id))
        XCTAssertEqual(quarantine.map(\.entry.line), [1_303, 1_305, 1_307, 1_309], "each conflicting repeat (header is line 1)")
        XCTAssertEqual(Set(quarantine.map(\.entry.reason)), [.duplicateKey])
        XCTAssertEqual(try stores[1].allRows(.residents), try stores[0].allRows(.residents), "the first row of each key is kept")
    }
}
