import Datasets
import Foundation
import MianshenTesting
import Store
import XCTest

/// A run's new review items are stored as one segment per policy, not a row each; an item
/// becomes a row when something happens to it. Readers see the same items either way: ids in
/// the order the run opened them, bindings in entity order, one item per (policy, entity).
final class ReviewSegmentTests: XCTestCase {
    var dir: TemporaryDirectory!

    func makeStore() throws -> ProfileStore {
        dir = try TemporaryDirectory()
        return try ProfileStore(path: dir.file("s.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
    }

    func sha(_ n: Int) -> String { String(format: "%064x", n) }

    func digest(_ n: Int) -> [UInt8] { Array(repeating: 0, count: 31) + [UInt8(n)] }

    /// One policy's openings: (entity, digest number, missing fields).
    func openings(_ policy: String, amount: Bool = false, _ items: [(String, Int, [String])]) -> ReviewOpenings {
        var out = ReviewOpenings(policyID: policy, subject: "居民", needsAmount: amount)
        for (entity, n, missing) in items {
            XCTAssertTrue(out.append(entityID: entity, digest: digest(n), missing: out.code(missing: missing)))
        }
        return out
    }

    func record() -> RunRecord {
        RunRecord(
            asOf: "2026-12-01", startedAt: "2026-12-01T00:00:00Z", finishedAt: "2026-12-01T00:00:01Z", engine: "test",
            includeDrafts: false, rulesSHA256: "r", inputs: [], resultsSHA256: "h", populations: [], policies: []
        )
    }

    func sqlite(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [dir.file("s.db"), sql]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testOpenedItemsReadBackAsRowsDidAndBecomeRowsWhenChanged() throws {
        let store = try makeStore()
        let run = try store.saveRun(record())
        let opened = try store.recordReviewChanges([], openings: [
            openings("A", [("2", 1, ["医保类型"]), ("5", 2, ["医保类型", "残疾等级"]), ("7", 3, ["医保类型"])]),
            openings("B", amount: true, [("1", 4, [])]),
        ], run: run)
        XCTAssertEqual(opened.opened, 4)
        var items = try store.reviewItems()
        XCTAssertEqual(items.map(\.id), [1, 2, 3, 4], "ids in the order the run opened them")
        XCTAssertEqual(items.map(\.entityID), ["2", "5", "7", "1"])
        XCTAssertEqual(items[1].missing, ["医保类型", "残疾等级"])
        XCTAssertEqual(items[3].missing, [])
        XCTAssertEqual(items.map(\.inputsSHA256), [sha(1), sha(2), sha(3), sha(4)])
        XCTAssertEqual(items.map(\.needsAmount), [false, false, false, true])
        XCTAssertTrue(items.allSatisfy { $0.status == .open && $0.openedRun == run && $0.lastRun == run })

        // The next night: "5" has new inputs (it becomes a row, same id), "4" and "2" again (a
        // run beside it opened "2" already: left alone), "6" new.
        let night = try store.saveRun(record())
        let counts = try store.recordReviewChanges(
            [ReviewChange(itemID: 2, inputsSHA256: sha(20), missing: ["残疾等级"], needsAmount: false)],
            openings: [openings("A", [("2", 9, ["医保类型"]), ("4", 5, ["医保类型"]), ("6", 6, ["医保类型"])])], run: night
        )
        XCTAssertEqual(counts.opened, 2)
        XCTAssertEqual(counts.changed, 1)
        items = try store.reviewItems(policy: "A")
        XCTAssertEqual(items.map(\.id), [1, 2, 3, 5, 6])
        XCTAssertEqual(items.map(\.entityID), ["2", "5", "7", "4", "6"])
        XCTAssertEqual(items[1].inputsSHA256, sha(20))
        XCTAssertEqual(items[1].lastRun, night)
        XCTAssertEqual(items[0].inputsSHA256, sha(1), "the item opened first stays bound to its inputs")

        // Bindings come in entity order whether an item is a row or an entry of either segment.
        let bindings = try XCTUnwrap(try store.reviewBindings(policies: ["A"])["A"])
        XCTAssertEqual(bindings.entityIDs, ["2", "4", "5", "6", "7"])
        XCTAssertEqual(bindings.itemIDs, [1, 5, 2, 6, 3])
        XCTAssertEqual(Array(bindings.digests[64..<96]), Array(repeating: 0, count: 31) + [20])

        // A decision on a segment's entry: the item is decided, once, and a decided-only read finds it.
        let decided = try store.decideReviewItem(3, outcome: .ineligible, amountFen: nil, reason: "核实", reviewer: "李四")
        XCTAssertEqual(decided.status, .decided)
        XCTAssertEqual(decided.entityID, "7")
        XCTAssertEqual(try store.reviewItems(status: .decided).map(\.id), [3])
        XCTAssertEqual(try store.reviewItems(status: .open).map(\.id), [1, 2, 4, 5, 6])
        XCTAssertEqual(try store.reviewBindings(policies: ["A"], decidedOnly: true)["A"]?.itemIDs, [3])
        XCTAssertEqual(try store.reviewItems(entity: "7").map(\.id), [3])
        XCTAssertEqual(try store.reviewItems(entity: "1").map(\.policyID), ["B"])
        XCTAssertEqual(try store.reviewItem(6)?.entityID, "6")
        XCTAssertNil(try store.reviewItem(7))
        XCTAssertThrowsError(try store.decideReviewItem(7, outcome: .ineligible, amountFen: nil, reason: "x", reviewer: "李四"))
    }

    func testADamagedSegmentIsReportedNotRead() throws {
        let store = try makeStore()
        let run = try store.saveRun(record())
        try store.recordReviewChanges([], openings: [openings("A", [("2", 1, [])])], run: run)
        try sqlite("UPDATE review_segments SET entities = x'00'")
        XCTAssertThrowsError(try store.reviewItems()) { error in
            XCTAssertTrue("\(error)".contains("复核事项分段"), "\(error)")
        }
    }
}
