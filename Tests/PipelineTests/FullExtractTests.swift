import Datasets
import Foundation
import Logging
import MianshenTesting
import Pipeline
import Store
import XCTest

final class FullExtractTests: XCTestCase {
    var dir: TemporaryDirectory!
    var store: ProfileStore!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        store = try ProfileStore(path: dir.file("t.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
    }

    func run(_ path: String, full: Bool = false) throws -> ImportSummary {
        try Importer(store: store, logger: Logger(label: "test"))
            .run(ImportRequest(kind: .residents, path: path, maxBadRate: 0.5, full: full))
    }

    func lines() throws -> [String] {
        try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    func activeCount() throws -> Int {
        try store.info().counts.first { $0.kind == .residents }?.active ?? -1
    }

    func testAbsentEntitiesBecomeInactiveNeverDeletedAndComeBack() throws {
        let all = try lines()
        _ = try run(RepositoryPaths.fixture("residents.csv"))
        // The extract: the first 250 residents, plus resident #251 written with a bad check digit.
        var bad = all[251].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let protectedID = bad[0]
        bad[2] = bad[2] == "男" ? "女" : "男"  // gender_mismatch: a bad row, but the entity is in the extract
        let extract = try dir.write("extract.csv", (all[0...250] + [bad.joined(separator: ",")]).joined(separator: "\n"))
        let summary = try run(extract, full: true)
        XCTAssertEqual(summary.record.counts.deactivated, 49)
        XCTAssertEqual(try activeCount(), 251)
        XCTAssertEqual(try store.allRows(.residents).count, 300, "inactive, not deleted")
        XCTAssertEqual(try store.profile(key: protectedID)?.active, true, "a bad row does not retire its entity")
        let goneID = String(all[299].prefix(18))
        let gone = try XCTUnwrap(try store.profile(key: goneID))
        XCTAssertFalse(gone.active)
        XCTAssertEqual(gone.history.last?.field, "active")
        XCTAssertEqual(gone.history.last?.importID, summary.record.id)
        // The same full extract again is a no-op; the old complete file is not (it revives the 49).
        XCTAssertTrue(try run(extract, full: true).isNoOp)
        let revived = try run(RepositoryPaths.fixture("residents.csv"))
        XCTAssertFalse(revived.isNoOp)
        XCTAssertEqual(revived.record.counts.updated, 49)
        XCTAssertEqual(try activeCount(), 300)
    }

    func testWithoutFullAnImportIsAnUpsert() throws {
        _ = try run(RepositoryPaths.fixture("residents.csv"))
        let part = try dir.write("part.csv", try lines()[0...10].joined(separator: "\n"))
        XCTAssertEqual(try run(part).record.counts.deactivated, 0)
        XCTAssertEqual(try activeCount(), 300)
    }

    func testARejectedFullExtractRetiresNobody() throws {
        _ = try run(RepositoryPaths.fixture("residents.csv"))
        let summary = try Importer(store: store, logger: Logger(label: "test")).run(ImportRequest(
            kind: .residents, path: RepositoryPaths.fixture("bad/residents_reject.csv"), full: true
        ))
        XCTAssertTrue(summary.rejected)
        XCTAssertEqual(try activeCount(), 300)
    }
}

final class FormatEquivalenceTests: XCTestCase {
    /// The same residents as UTF-8 CSV, GB18030 CSV (auto-detected) and JSON Lines give
    /// identical store contents.
    func testEncodingsAndFormatsGiveTheSameProfiles() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let csv = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
        let gbPath = dir.file("gb.csv")
        XCTAssertTrue(FileManager.default.createFile(atPath: gbPath, contents: Data(Transcode.encode(csv, to: "GB18030"))))
        var rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows.removeFirst()
        let jsonl = rows.enumerated().map { i, cells in
            "{" + zip(header, cells).compactMap { key, value in
                if value.isEmpty { return i % 2 == 0 ? "\"\(key)\": null" : nil }
                let numeric = ["annual_income_yuan", "farmland_mu", "disability_level"].contains(key)
                return "\"\(key)\": " + (numeric ? value : "\"\(value)\"")
            }.joined(separator: ", ") + "}"
        }.joined(separator: "\n")
        let jsonPath = try dir.write("r.jsonl", jsonl)
        var contents: [[[FieldValue]]] = []
        for (n, path) in [RepositoryPaths.fixture("residents.csv"), gbPath, jsonPath].enumerated() {
            let store = try ProfileStore(path: dir.file("s\(n).db"), schemas: schemas)
            let summary = try Importer(store: store, logger: Logger(label: "t")).run(ImportRequest(kind: .residents, path: path))
            XCTAssertEqual(summary.record.counts.inserted, 300, path)
            contents.append(try store.allRows(.residents))
        }
        XCTAssertEqual(contents[0], contents[1], "GB18030 differs from UTF-8")
        XCTAssertEqual(contents[0], contents[2], "JSON Lines differs from CSV")
    }
}
