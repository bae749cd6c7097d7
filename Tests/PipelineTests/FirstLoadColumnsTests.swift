import Datasets
import Evaluation
import Foundation
import Generator
import Logging
import MianshenTesting
import Pipeline
import RuleLanguage
import Store
import XCTest

/// A first load saves the engine's columns as it writes the rows: the first run after it reads
/// the column cache, and the cache is byte for byte what a read from the tables would have saved.
final class FirstLoadColumnsTests: XCTestCase {
    private var schemas: SchemaSet { get throws { try SchemaLoader.load(directory: RepositoryPaths.schemas) } }

    private func allFields() throws -> [DatasetKind: Set<String>] {
        let schemas = try schemas
        return Dictionary(uniqueKeysWithValues: DatasetKind.allCases.map { kind in (kind, Set(schemas[kind].fields.map(\.name))) })
    }

    /// A generated district, edited so that every path of the collection is taken: a 户号 too
    /// long to pack (the households fall back to text), two licence numbers of one holder alike
    /// in their first 24 bytes and out of order in the file, a key repeated with other values, a
    /// bad row.
    private func district(_ dir: TemporaryDirectory, longHousehold: Bool = true) throws -> [(DatasetKind, String)] {
        let path = dir.file("district")
        _ = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
            residents: 3_000, enterprises: 300, outputDirectory: path, seed: 5
        )).run()
        func edit(_ kind: String, _ change: (inout [[String]]) -> Void) throws {
            let file = "\(path)/\(kind).csv"
            var rows = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            change(&rows)
            try (rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        }
        try edit("residents") { rows in
            let household = rows[0].firstIndex(of: "household_id") ?? 6
            let income = rows[0].firstIndex(of: "annual_income_yuan") ?? 15
            // Past the first chunks the collection spills (1,024 rows in a debug build): those
            // are read back from the spill file as text.
            if longHousehold { rows[2_500][household] = "H4101030000000000000000042" }
            var repeated = rows[20]
            repeated[income] = "98765.43"
            rows.append(repeated)
            rows.append(Array(repeating: "不是", count: rows[0].count))
        }
        try edit("licences") { rows in
            let number = rows[0].firstIndex(of: "license_no") ?? 3
            let holder = rows[0].firstIndex(of: "holder_id") ?? 0
            // Two licences of one holder: only their numbers order them.
            var seen: [String: Int] = [:]
            for row in 1..<rows.count where rows[row].count > holder {
                if let earlier = seen[rows[row][holder]] {
                    rows[earlier][number] = "JY4101030000000000000000000002"
                    rows[row][number] = "JY4101030000000000000000000001"
                    break
                }
                seen[rows[row][holder]] = row
            }
        }
        return [(.residents, "\(path)/residents.csv"), (.enterprises, "\(path)/enterprises.csv"), (.licences, "\(path)/licences.csv")]
    }

    private func load(_ files: [(DatasetKind, String)], into store: ProfileStore, engineFields: [DatasetKind: Set<String>]?) throws {
        var importer = Importer(store: store, logger: Logger(label: "test"))
        importer.engineFields = engineFields
        for (kind, path) in files {
            let summary = try importer.run(ImportRequest(kind: kind, path: path, maxBadRate: 0.5))
            XCTAssertEqual(summary.record.status, .ok, "\(kind)")
        }
    }

    private func cacheRows(_ store: ProfileStore) throws -> [String] {
        // The engine's columns: not the import's own stored rows (`StoredRowsSnapshotTests`).
        try SQLiteShell.run(
            store.path, "SELECT kind, name, generation, hex(data) FROM column_cache WHERE name NOT LIKE ':stored-rows%' ORDER BY kind, name"
        )
            .split(separator: "\n").map(String.init)
    }

    func testAFirstLoadStoresTheRowsTheOneByOneWayStores() throws {
        // A first load binds 32 rows to one statement and writes its last, partial group one by
        // one; an import into a populated table inserts each row itself. Same rows, same order.
        let dir = try TemporaryDirectory()
        let files = try district(dir)
        let residents = try XCTUnwrap(files.first { $0.0 == .residents }?.1)
        let grouped = try ProfileStore(path: dir.file("grouped.db"), schemas: schemas)
        try load([(.residents, residents)], into: grouped, engineFields: nil)
        let single = try ProfileStore(path: dir.file("single.db"), schemas: schemas)
        let lines = try String(contentsOfFile: residents, encoding: .utf8).split(separator: "\n")
        let seed = dir.file("seed.csv")
        // One resident of the file first, so that the table is not empty (left out of the comparison).
        let key = try XCTUnwrap(lines[5].split(separator: ",").first)
        try "\(lines[0])\n\(lines[5])\n".write(toFile: seed, atomically: true, encoding: .utf8)
        try load([(.residents, seed)], into: single, engineFields: nil)
        try load([(.residents, residents)], into: single, engineFields: nil)
        let columns = try schemas.residents.fields.map(\.name).joined(separator: ", ")
        let query = "SELECT \(columns), active, row_fingerprint, raw_fingerprint FROM residents WHERE id_number <> '\(key)' ORDER BY rowid"
        let a = try SQLiteShell.run(grouped.path, query), b = try SQLiteShell.run(single.path, query)
        XCTAssertEqual(a.split(separator: "\n").count, 2_999, "3,000 rows (93 groups of 32 and 24 one by one) but the seed")
        XCTAssertEqual(a, b)
    }

    func testAFirstLoadSavesTheColumnsATableReadWouldSave() throws {
        try assertFirstLoadSavesWhatATableReadSaves(longHousehold: true)
    }

    /// Every 户号 packed: the households grouped by sorting (`SortedHouseholds`).
    func testAFirstLoadOfPackedHouseholdsSavesTheColumnsATableReadWouldSave() throws {
        try assertFirstLoadSavesWhatATableReadSaves(longHousehold: false)
    }

    private func assertFirstLoadSavesWhatATableReadSaves(longHousehold: Bool) throws {
        let dir = try TemporaryDirectory()
        let files = try district(dir, longHousehold: longHousehold)
        let fields = try allFields()
        let first = try ProfileStore(path: dir.file("first.db"), schemas: schemas)
        try load(files, into: first, engineFields: fields)
        let info = try first.info().columnCache
        XCTAssertEqual(Set(info.map(\.kind)), Set(DatasetKind.allCases), "every kind's columns saved by its import")
        XCTAssertTrue(info.allSatisfy(\.current))
        let leftOver = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".mianshen-columns") }
        XCTAssertEqual(leftOver, [], "the spill file is unlinked as soon as it is made")

        let tables = try ProfileStore(path: dir.file("tables.db"), schemas: schemas)
        try load(files, into: tables, engineFields: nil)
        XCTAssertTrue(try tables.info().columnCache.isEmpty, "without the rules' fields nothing is saved")
        let request = ColumnRequest(subjects: ["居民", "家庭", "企业"], fields: fields)
        _ = try tables.loadColumns(request)
        tables.finishBackgroundWrites()

        let saved = try cacheRows(first), read = try cacheRows(tables)
        XCTAssertGreaterThan(saved.count, 30)
        XCTAssertEqual(saved.count, read.count)
        for (a, b) in zip(saved, read) where a != b {
            XCTFail("first load: \(a.prefix(120))… table read: \(b.prefix(120))…")
        }

        // Behind the store's back: what the first load saved is what a load now reads.
        try SQLiteShell.run(first.path, "UPDATE residents SET birth_date = NULL; UPDATE licences SET expiry_date = NULL")
        let columns = try first.loadColumns(request)
        let people = try XCTUnwrap(columns.subjects["居民"])
        let births = try XCTUnwrap(people.fields.columns["birth_date"])
        XCTAssertGreaterThan((0..<people.ids.count).filter(births.isValid).count, people.ids.count / 2, "read from the cache, not the table")
        XCTAssertTrue(people.ids.contains { $0.count == 18 })
        let families = try XCTUnwrap(columns.subjects["家庭"])
        XCTAssertEqual(families.ids.contains("H4101030000000000000000042"), longHousehold)
        XCTAssertGreaterThan(families.ids.count, 500)
    }

    func testTheFirstRunAfterAFirstLoadEqualsOneOnTheTables() throws {
        let dir = try TemporaryDirectory()
        let files = try district(dir)
        let rules = RepositoryPaths.root + "/Rules"
        let catalog = try RuleCatalog.entries(rulesDirectory: rules, schemas: schemas)
        let program = try XCTUnwrap(catalog.program)
        let asOf = try XCTUnwrap(Day.parse("2025-12-01"))
        func run(_ store: ProfileStore) throws -> LoadedRun {
            try BatchRun.execute(entries: catalog.entries, program: program, store: store, asOf: asOf, includeDrafts: true)
        }
        let first = try ProfileStore(path: dir.file("first.db"), schemas: schemas)
        try load(files, into: first, engineFields: Importer.engineFields(rulesDirectory: rules, schemas: schemas))
        XCTAssertEqual(try first.info().columnCache.filter(\.current).count, 3)
        let tables = try ProfileStore(path: dir.file("tables.db"), schemas: schemas)
        try load(files, into: tables, engineFields: nil)
        let expected = try run(tables)
        let actual = try run(first)
        XCTAssertEqual(actual.record.resultsSHA256, expected.record.resultsSHA256)
        XCTAssertEqual(actual.result.populations, expected.result.populations)
    }
}
