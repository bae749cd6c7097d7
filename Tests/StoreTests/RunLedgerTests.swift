import Datasets
import Foundation
import MianshenTesting
import Store
import XCTest

/// The run ledger: a run is written whole or not at all, and reads back as written.
final class RunLedgerTests: XCTestCase {
    var dir: TemporaryDirectory!

    func makeStore() throws -> ProfileStore {
        dir = try TemporaryDirectory()
        return try ProfileStore(path: dir.file("s.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
    }

    func record(policies: [String]) -> RunRecord {
        RunRecord(
            asOf: "2026-12-01", startedAt: "2026-12-01T00:00:00Z", finishedAt: "2026-12-01T00:00:01Z", engine: "test",
            includeDrafts: false, rulesSHA256: "r", inputs: [RunInput(kind: "residents", importID: 7, sha256: "s")],
            resultsSHA256: "h", populations: [RunPopulation(subject: "居民", ids: ["1", "2"], sha256: "p")],
            policies: policies.map { id in
                RunPolicy(
                    policyID: id, title: "政策", subject: "居民", sha256: "c", metadata: "{}",
                    counts: ["eligible": 1, "ineligible": 1], amountsFen: ["eligible": 10_000], rows: [1, 2, 3], conditions: [4, 5]
                )
            }
        )
    }

    func testARunReadsBackAsWritten() throws {
        let store = try makeStore()
        XCTAssertNil(try store.latestRunID())
        let id = try store.saveRun(record(policies: ["B", "A"]))
        let again = try store.saveRun(record(policies: ["A"]))
        XCTAssertEqual(try store.latestRunID(), again)
        let run = try XCTUnwrap(try store.loadRun(id))
        XCTAssertEqual(run.policies.map(\.policyID), ["A", "B"])
        XCTAssertEqual(run.policies[0].rows, [1, 2, 3])
        XCTAssertEqual(run.policies[0].conditions, [4, 5])
        XCTAssertEqual(run.policies[0].counts["eligible"], 1)
        XCTAssertEqual(run.policies[0].amountsFen["eligible"], 10_000)
        XCTAssertEqual(run.populations.first?.ids, ["1", "2"])
        XCTAssertEqual(run.inputs, [RunInput(kind: "residents", importID: 7, sha256: "s")])
        XCTAssertEqual(try store.runs().map(\.id), [id, again])
        XCTAssertNil(try store.loadRun(99))
    }

    func testAFailedRunLeavesNothing() throws {
        let store = try makeStore()
        // The same policy twice breaks the key halfway through writing the run.
        XCTAssertThrowsError(try store.saveRun(record(policies: ["A", "A"])))
        XCTAssertEqual(try store.runs().count, 0)
        XCTAssertNil(try store.latestRunID())
        let id = try store.saveRun(record(policies: ["A"]))
        XCTAssertEqual(try store.loadRun(id)?.populations.first?.ids, ["1", "2"], "the id list was not left half-written")
    }
}
