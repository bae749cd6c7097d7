import Datasets
import Evaluation
import Foundation
import Logging
import MianshenTesting
import Pipeline
import RuleLanguage
import Store
import XCTest

/// The column cache: a run after the first reads the cached columns (and gives the same bytes),
/// an import patches them, and a damaged cache is read around, never trusted.
final class ColumnCacheTests: XCTestCase {
    private struct Setup {
        let dir: TemporaryDirectory
        let store: ProfileStore
        let importer: Importer
        let entries: [CatalogEntry]
        let program: Program
        let asOf: Day

        func run() throws -> LoadedRun {
            try BatchRun.execute(entries: entries, program: program, store: store, asOf: asOf, includeDrafts: true)
        }

        func sql(_ statement: String) throws {
            try SQLiteShell.run(store.path, statement)
        }
    }

    private func setUp(_ name: String) throws -> Setup {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let store = try ProfileStore(path: dir.file(name), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for kind in [DatasetKind.residents, .enterprises, .licences] {
            _ = try importer.run(ImportRequest(kind: kind, path: RepositoryPaths.fixture("\(kind.rawValue).csv"), maxBadRate: 0.5))
        }
        let catalog = try RuleCatalog.entries(rulesDirectory: RepositoryPaths.root + "/Rules", schemas: schemas)
        return Setup(
            dir: dir, store: store, importer: importer, entries: catalog.entries, program: try XCTUnwrap(catalog.program),
            asOf: try XCTUnwrap(Day.parse("2025-12-01"))
        )
    }

    func testARunReadsTheCacheUntilAnImportChangesTheData() throws {
        let s = try setUp("c.db")
        let first = try s.run()
        // 身份证号 all of one length: the cached key list keeps no offsets (format byte, count,
        // width, then the bytes: `ColumnCacheCodec`'s fixed-width text list).
        s.store.finishBackgroundWrites()
        XCTAssertEqual(try SQLiteShell.run(s.store.path, """
            SELECT length(data) - 17 - 18 * (SELECT count(*) FROM residents WHERE active = 1)
            FROM column_cache WHERE kind = 'residents' AND name = ':key'
            """), "0\n")
        // Behind the store's back (no import): a cached load cannot see this, a table read would.
        try s.sql("UPDATE residents SET birth_date = NULL, disability_level = NULL; UPDATE licences SET expiry_date = '2000-01-01'")
        let cached = try s.run()
        XCTAssertEqual(cached.record.resultsSHA256, first.record.resultsSHA256, "the second run read the cached columns")
        for (a, b) in zip(first.result.policies, cached.result.policies) {
            XCTAssertEqual(a.conditions, b.conditions, a.policyID)
            XCTAssertEqual(a.amountKnown, b.amountKnown, a.policyID)
        }
        XCTAssertEqual(cached.result.populations, first.result.populations)

        // An import (the residents again, one person now 低保 and disabled) patches the residents'
        // entries: the rows it wrote are read back, the others keep their cached values (the edit
        // made behind the store's back stays invisible to them), so the run sees what a store with
        // the same imports, never cached and never edited, holds.
        let lines = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var changed = lines
        changed[1] = changed[1].replacingOccurrences(of: ",是,否,否,,无,", with: ",是,是,否,1,无,")  // 低保, 一级残疾
        XCTAssertNotEqual(changed[1], lines[1])
        let path = try s.dir.write("residents-next.csv", changed.joined(separator: "\n"))
        _ = try s.importer.run(ImportRequest(kind: .residents, path: path, maxBadRate: 0.5))
        let afterImport = try s.run()

        let fresh = try setUp("fresh.db")
        _ = try fresh.importer.run(ImportRequest(kind: .residents, path: path, maxBadRate: 0.5))
        let expected = try fresh.run()
        XCTAssertNotEqual(expected.record.resultsSHA256, first.record.resultsSHA256, "the import changed results")
        XCTAssertEqual(afterImport.record.resultsSHA256, expected.record.resultsSHA256, "the patched cache")
    }

    func testADamagedCacheIsReadAroundAndRebuilt() throws {
        let s = try setUp("d.db")
        let first = try s.run()
        try s.sql("UPDATE column_cache SET data = substr(data, 1, length(data) / 2)")
        let second = try s.run()
        XCTAssertEqual(second.record.resultsSHA256, first.record.resultsSHA256, "read from the tables instead")
        try s.sql("UPDATE column_cache SET data = x'01'")
        let third = try s.run()
        XCTAssertEqual(third.record.resultsSHA256, first.record.resultsSHA256)
    }

    /// Rows are read in table order and sorted after (by 身份证号; licences by holder): a store
    /// filled from the same files with their rows reversed gives the same run, byte for byte.
    func testRowsImportedOutOfKeyOrderGiveTheSameRun() throws {
        let inOrder = try setUp("in-order.db")
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let store = try ProfileStore(path: dir.file("reversed.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for kind in [DatasetKind.residents, .enterprises, .licences] {
            let lines = try String(contentsOfFile: RepositoryPaths.fixture("\(kind.rawValue).csv"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            let reversed = ([lines[0]] + lines.dropFirst().reversed()).joined(separator: "\n") + "\n"
            _ = try importer.run(ImportRequest(kind: kind, path: try dir.write("\(kind.rawValue).csv", reversed), maxBadRate: 0.5))
        }
        let a = try inOrder.run()
        let b = try BatchRun.execute(entries: inOrder.entries, program: inOrder.program, store: store, asOf: inOrder.asOf, includeDrafts: true)
        XCTAssertEqual(b.record.resultsSHA256, a.record.resultsSHA256)
        for (x, y) in zip(a.result.policies, b.result.policies) { XCTAssertEqual(x.conditions, y.conditions, x.policyID) }
        XCTAssertTrue(a.result.policies.contains { $0.policyID == "QY-GXRD" && $0.outcomes.contains(.eligible) }, "licences joined")
    }
}
