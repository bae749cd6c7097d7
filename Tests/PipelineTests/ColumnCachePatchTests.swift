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

/// An import brings the column cache up to date itself: the first run after a nightly import
/// reads the cache, and what it reads is exactly what a read from the tables gives.
final class ColumnCachePatchTests: XCTestCase {
    private var schemas: SchemaSet { get throws { try SchemaLoader.load(directory: RepositoryPaths.schemas) } }

    /// Every field of every kind: the cache then holds them all.
    private func allFields() throws -> ColumnRequest {
        let schemas = try schemas
        return ColumnRequest(
            subjects: ["居民", "家庭", "企业"],
            fields: Dictionary(uniqueKeysWithValues: DatasetKind.allCases.map { kind in (kind, Set(schemas[kind].fields.map(\.name))) })
        )
    }

    private struct Night {
        var residents: String
        var enterprises: String
        var licences: String
    }

    /// Two nights of a generated district. The residents' second night is the generator's (1 %
    /// changed, 0.2 % new, 0.2 % gone); enterprises and licences lose rows, change one and gain one.
    /// `longHouseholds`: one household keeps a 户号 longer than 16 bytes in both nights and the
    /// second night's new household gets one too (the patch then groups them as text).
    private func nights(_ dir: TemporaryDirectory, longHouseholds: Bool = false) throws -> [Night] {
        var out: [Night] = []
        for night in 0...1 {
            let path = dir.file("night-\(night)")
            _ = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
                residents: 4_000, enterprises: 400, outputDirectory: path, seed: 11, night: night
            )).run()
            out.append(Night(residents: path + "/residents.csv", enterprises: path + "/enterprises.csv", licences: path + "/licences.csv"))
        }
        if longHouseholds {
            let rows = try cells(of: out[0].residents)
            let renamed = rows[50][try XCTUnwrap(rows[0].firstIndex(of: "household_id"))]
            for night in out { try renameHousehold(renamed, to: renamed + "-02（分户）", in: night.residents) }
        }
        try moveHouseholds(out[1].residents, longFounded: longHouseholds)
        // The generator's night changes residents only; edit the others by hand.
        for (index, kind) in [(1, "enterprises"), (2, "licences")] {
            let path = index == 1 ? out[1].enterprises : out[1].licences
            var lines = try String(contentsOfFile: out[0].residents.replacingOccurrences(of: "residents", with: kind), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            lines.remove(at: 5)
            lines.remove(at: 40)
            var cells = lines[10].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if kind == "licences" {
                cells[5] = "2031-01-31"  // expiry_date
                // A new licence, held by the first enterprise: its number sorts between others.
                var extra = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                extra[2] = "食品经营许可证"
                extra[3] = "JY14101030000001"
                lines.append(extra.joined(separator: ","))
            } else {
                cells[5] = "777"  // employees
                var extra = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                extra[0] = "91410103MA00000011"
                extra[1] = "郑州新设测试有限公司"
                lines.append(extra.joined(separator: ","))
            }
            lines[10] = cells.joined(separator: ",")
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        return out
    }

    /// The residents' night, edited by hand: a household all of whose members are gone, a
    /// resident who joins another household, and one who founds a new household whose 户号 sorts
    /// among the cached ones (the patch merges households by their cached numbers and order).
    private func moveHouseholds(_ path: String, longFounded: Bool) throws {
        var rows = try cells(of: path)
        let household = try XCTUnwrap(rows[0].firstIndex(of: "household_id"))
        let gone = rows[20][household], joined = rows[100][household]
        XCTAssertFalse([rows[30][household], rows[40][household], joined].contains(gone))
        rows[30][household] = joined
        // Between …9 and the next …0, or (long) just after the 户号 it extends.
        let founded = longFounded ? rows[40][household] + "-分户" : String(rows[40][household].dropLast()) + "A"
        XCTAssertFalse(rows.contains { $0[household] == founded })
        rows[40][household] = founded
        rows.removeAll { $0.count > household && $0[household] == gone }
        try write(rows, to: path)
    }

    /// Every resident of household `id` moved to household `new` (the file's 户号 column).
    private func renameHousehold(_ id: String, to new: String, in path: String) throws {
        var rows = try cells(of: path)
        let household = try XCTUnwrap(rows[0].firstIndex(of: "household_id"))
        var moved = 0
        for i in rows.indices where rows[i].count > household && rows[i][household] == id {
            rows[i][household] = new
            moved += 1
        }
        XCTAssertGreaterThan(moved, 0, id)
        try write(rows, to: path)
    }

    /// A generated CSV file's rows (header first) as cells: the generator quotes none.
    private func cells(of path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    private func write(_ rows: [[String]], to path: String) throws {
        try (rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func importNight(_ night: Night, into store: ProfileStore, full: Bool) throws {
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for (kind, path) in [(DatasetKind.residents, night.residents), (.enterprises, night.enterprises), (.licences, night.licences)] {
            let summary = try importer.run(ImportRequest(kind: kind, path: path, maxBadRate: 0.5, full: full))
            XCTAssertEqual(summary.record.status, .ok, "\(kind) \(path)")
        }
    }

    private func sql(_ store: ProfileStore, _ statement: String) throws {
        try SQLiteShell.run(store.path, statement)
    }

    func testTheFirstLoadAfterAnImportReadsThePatchedCacheAndItEqualsTheTables() throws {
        try assertPatchedCacheEqualsTheTables(longHouseholds: false)
    }

    /// 户号 longer than 16 bytes (a cached one and a new one) take the patch's other grouping.
    func testLongHouseholdNumbersArePatchedAsTheTablesGiveThem() throws {
        try assertPatchedCacheEqualsTheTables(longHouseholds: true)
    }

    private func assertPatchedCacheEqualsTheTables(longHouseholds: Bool) throws {
        let dir = try TemporaryDirectory()
        let nights = try nights(dir, longHouseholds: longHouseholds)
        let patched = try ProfileStore(path: dir.file("patched.db"), schemas: schemas)
        let fresh = try ProfileStore(path: dir.file("fresh.db"), schemas: schemas)
        try importNight(nights[0], into: patched, full: false)
        _ = try patched.loadColumns(try allFields())  // the cache of every field, from the tables
        try importNight(nights[1], into: patched, full: true)
        for cache in try patched.info().columnCache {
            XCTAssertTrue(cache.current, "\(cache.kind): the import recorded what it changed")
        }
        // Behind the store's back, in the rows the night did not touch: a load from the cache
        // cannot see this (the rows it touched are read from the table).
        func untouched(_ kind: String, _ key: String) -> String {
            let last = "(SELECT max(id) FROM imports WHERE kind = '\(kind)')"
            return "first_import_id <> \(last) AND \(key) NOT IN (SELECT entity_key FROM changes WHERE import_id = \(last))"
        }
        try sql(patched, """
            UPDATE residents SET birth_date = NULL WHERE \(untouched("residents", "id_number"));
            UPDATE licences SET expiry_date = NULL WHERE \(untouched("licences", "license_no"));
            UPDATE enterprises SET employees = NULL WHERE \(untouched("enterprises", "uscc"));
            """)
        XCTAssertEqual(try SQLiteShell.run(patched.path, "SELECT count(*) > 3900 FROM residents WHERE birth_date IS NULL"), "1\n")

        try importNight(nights[0], into: fresh, full: false)
        try importNight(nights[1], into: fresh, full: true)
        let expected = rendered(try fresh.loadColumns(try allFields()))
        assertSame(rendered(try patched.loadColumns(try allFields())), expected)
        XCTAssertTrue(expected["企业.employees"]?.contains("777") ?? false, "the enterprise changed by the second night")
        XCTAssertTrue(expected["licences.license_type"]?.contains("食品经营许可证") ?? false, "the new licence")
        let households = expected["家庭:ids"] ?? []
        XCTAssertEqual(households.contains { $0.utf8.count > 16 }, longHouseholds, "户号 longer than 16 bytes")
        XCTAssertEqual(households.contains { $0.hasSuffix("-分户") }, longHouseholds, "the new long 户号")
    }

    private func assertSame(_ actual: [String: [String]], _ expected: [String: [String]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(actual.keys), Set(expected.keys), file: file, line: line)
        XCTAssertGreaterThan(expected.count, 20, file: file, line: line)
        for (name, values) in expected.sorted(by: { $0.key < $1.key }) {
            let got = actual[name] ?? []
            XCTAssertEqual(got.count, values.count, name, file: file, line: line)
            if let row = zip(got, values).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                XCTFail("\(name) row \(row.offset): patched \(row.element.0), tables \(row.element.1)", file: file, line: line)
            }
        }
    }

    /// Two nights with no run between: the second adds its keys to the first's delta against the
    /// same cache (the enterprises and licences, unchanged, only relabel theirs); the load
    /// applies both and saves the result as the cache, after which no delta is left and a load
    /// reads the saved entries as they are.
    func testNightsWithoutARunBetweenAddUpAndTheLoadSavesTheCache() throws {
        let dir = try TemporaryDirectory()
        var nights = try nights(dir)
        let path = dir.file("night-2")
        _ = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
            residents: 4_000, enterprises: 400, outputDirectory: path, seed: 11, night: 2
        )).run()
        // The enterprises again in another order (a file not seen before, no row changed); the
        // licences' same file again (skipped as already imported).
        let firms = try cells(of: nights[1].enterprises)
        try write([firms[0]] + firms.dropFirst().reversed(), to: path + "/enterprises.csv")
        nights.append(Night(residents: path + "/residents.csv", enterprises: path + "/enterprises.csv", licences: nights[1].licences))
        let store = try ProfileStore(path: dir.file("s.db"), schemas: schemas)
        let fresh = try ProfileStore(path: dir.file("fresh.db"), schemas: schemas)
        try importNight(nights[0], into: store, full: false)
        _ = try store.loadColumns(try allFields())
        store.finishBackgroundWrites()
        let cached = try SQLiteShell.run(store.path, "SELECT DISTINCT generation FROM column_cache WHERE kind = 'residents'")
        for night in nights {
            try importNight(night, into: fresh, full: night.residents != nights[0].residents)
        }
        try importNight(nights[1], into: store, full: true)
        try importNight(nights[2], into: store, full: true)
        let deltas = "SELECT kind || ' ' || generation FROM column_cache WHERE name = ':delta' ORDER BY kind"
        XCTAssertEqual(try SQLiteShell.run(store.path, deltas), "enterprises 8\nlicences 6\nresidents 7\n")
        XCTAssertEqual(
            try SQLiteShell.run(store.path, "SELECT DISTINCT generation FROM column_cache WHERE kind = 'residents' AND name = ':key'"), cached,
            "the nights left the cached keys as they were"
        )
        XCTAssertTrue(try store.info().columnCache.allSatisfy(\.current))
        try sql(store, "UPDATE residents SET birth_date = NULL WHERE first_import_id = 1 AND id_number NOT IN (SELECT entity_key FROM changes WHERE import_id > 3)")

        let expected = rendered(try fresh.loadColumns(try allFields()))
        // A load of one field applies the deltas but saves nothing (the cache holds more fields).
        let one = ColumnRequest(subjects: ["居民"], fields: [.residents: ["birth_date"]])
        XCTAssertEqual(rendered(try store.loadColumns(one))["居民.birth_date"], expected["居民.birth_date"])
        store.finishBackgroundWrites()
        XCTAssertEqual(try SQLiteShell.run(store.path, deltas), "enterprises 8\nlicences 6\nresidents 7\n")
        assertSame(rendered(try store.loadColumns(try allFields())), expected)
        store.finishBackgroundWrites()
        XCTAssertEqual(try SQLiteShell.run(store.path, deltas), "", "the load saved the cache whole")
        XCTAssertEqual(
            try SQLiteShell.run(store.path, "SELECT DISTINCT generation FROM column_cache WHERE kind = 'residents' AND name NOT LIKE ':stored-rows%'"),
            "7\n"
        )
        assertSame(rendered(try store.loadColumns(try allFields())), expected)
    }

    /// A damaged delta is read around: the columns come from the tables, and are saved whole.
    func testADamagedDeltaIsReadAround() throws {
        let dir = try TemporaryDirectory()
        let nights = try nights(dir)
        let store = try ProfileStore(path: dir.file("s.db"), schemas: schemas)
        let fresh = try ProfileStore(path: dir.file("fresh.db"), schemas: schemas)
        try importNight(nights[0], into: store, full: false)
        _ = try store.loadColumns(try allFields())
        store.finishBackgroundWrites()
        try importNight(nights[1], into: store, full: true)
        try sql(store, "UPDATE column_cache SET data = substr(data, 1, 9) WHERE name = ':delta' AND kind = 'residents'")
        try importNight(nights[0], into: fresh, full: false)
        try importNight(nights[1], into: fresh, full: true)
        assertSame(rendered(try store.loadColumns(try allFields())), rendered(try fresh.loadColumns(try allFields())))
        store.finishBackgroundWrites()
        XCTAssertEqual(try SQLiteShell.run(store.path, "SELECT count(*) FROM column_cache WHERE name = ':delta'"), "0\n")
    }

    func testARunAfterTheNightlyImportEqualsOneOnANeverCachedStore() throws {
        let dir = try TemporaryDirectory()
        let nights = try nights(dir)
        let catalog = try RuleCatalog.entries(rulesDirectory: RepositoryPaths.root + "/Rules", schemas: schemas)
        let program = try XCTUnwrap(catalog.program)
        let asOf = try XCTUnwrap(Day.parse("2025-12-01"))
        func run(_ store: ProfileStore) throws -> LoadedRun {
            try BatchRun.execute(entries: catalog.entries, program: program, store: store, asOf: asOf, includeDrafts: true)
        }
        let patched = try ProfileStore(path: dir.file("patched.db"), schemas: schemas)
        try importNight(nights[0], into: patched, full: false)
        let before = try run(patched)
        try importNight(nights[1], into: patched, full: true)
        let after = try run(patched)

        let fresh = try ProfileStore(path: dir.file("fresh.db"), schemas: schemas)
        try importNight(nights[0], into: fresh, full: false)
        try importNight(nights[1], into: fresh, full: true)
        try sql(fresh, "DELETE FROM column_cache")
        let expected = try run(fresh)
        XCTAssertNotEqual(expected.record.resultsSHA256, before.record.resultsSHA256, "the second night changed results")
        XCTAssertEqual(after.record.resultsSHA256, expected.record.resultsSHA256)
        for (a, b) in zip(after.result.policies, expected.result.policies) {
            XCTAssertEqual(a.conditions, b.conditions, a.policyID)
        }
        XCTAssertEqual(after.result.populations, expected.result.populations)
    }

    func testARejectedImportKeepsTheCacheCurrent() throws {
        let dir = try TemporaryDirectory()
        let nights = try nights(dir)
        let store = try ProfileStore(path: dir.file("s.db"), schemas: schemas)
        try importNight(nights[0], into: store, full: false)
        _ = try store.loadColumns(try allFields())
        let header = try String(contentsOfFile: nights[0].residents, encoding: .utf8).prefix { $0 != "\n" }
        let columns = header.split(separator: ",").count
        let badRow = Array(repeating: "不是", count: columns).joined(separator: ",")
        let bad = try dir.write("bad.csv", "\(header)\n\(badRow)\n\(badRow)\n")
        let importer = Importer(store: store, logger: Logger(label: "test"))
        _ = try? importer.run(ImportRequest(kind: .residents, path: bad, maxBadRate: 0))
        XCTAssertEqual(try store.latestImport(kind: .residents)?.id, 1, "the bad file was not imported")
        XCTAssertEqual(try store.info().recentImports.first?.status, .rejected, "but it is in the ledger")
        XCTAssertTrue(try store.info().columnCache.allSatisfy(\.current))
    }

    /// Every subject's ids, members, licences and columns (and the licences' columns), as text.
    private func rendered(_ set: ColumnSet) -> [String: [String]] {
        var out: [String: [String]] = [:]
        func add(_ prefix: String, _ table: ColumnTable) {
            for (name, column) in table.columns {
                out["\(prefix).\(name)"] = (0..<table.count).map { row in
                    guard column.isValid(row) else { return "∅" }
                    let value = column.values[row]
                    switch column.type {
                    case .integer, .decimal, .bool, .date: return String(value)
                    default: return set.dictionary.strings[Int(value)]
                    }
                }
            }
        }
        for (subject, columns) in set.subjects {
            out["\(subject):ids"] = columns.ids
            out["\(subject):members"] = (columns.members.offsets + [-1] + columns.members.rows).map(String.init)
            out["\(subject):licences"] = columns.licences.map { ($0.offsets + [-1] + $0.rows).map(String.init) } ?? ["none"]
            add(subject, columns.fields)
        }
        add("licences", set.licences)
        return out
    }
}
