import Datasets
import Foundation
import MianshenTesting
import Pipeline
import Store
import XCTest

/// `AuditLog` as the other commands call it: entries chain in order, also when two
/// connections to the same file append at once.
final class AuditLogTests: XCTestCase {
    private var dir: TemporaryDirectory!

    private func store() throws -> ProfileStore {
        try ProfileStore(path: dir.file("a.db"), schemas: SchemaLoader.load(directory: RepositoryPaths.schemas))
    }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    func testRecordsChainInOrderAndFilter() throws {
        let log = AuditLog(store: try store())
        try log.record(operator: "张三", command: "grants export", scope: AuditScope("2026-12 发放 12 笔"), purpose: "月度发放")
        try log.record(operator: "李四", command: "review decide", scope: AuditScope("复核 #3", entity: "410103193712182418"), purpose: nil)
        let entries = try log.entries()
        XCTAssertEqual(entries.map(\.id), [1, 2])
        XCTAssertEqual(entries[1].previousHash, entries[0].hash)
        XCTAssertEqual(entries[0].purpose, "月度发放")
        XCTAssertNil(entries[1].purpose)
        XCTAssertEqual(try log.entries(operator: "李四").map(\.command), ["review decide"])
        let verification = try log.verify()
        XCTAssertTrue(verification.isIntact, "\(verification.problems)")
        XCTAssertEqual(verification.head?.lastID, 2)
        XCTAssertEqual(verification.head?.lastHash, entries[1].hash)
    }

    func testTwoConnectionsAppendingAtOnceKeepOneChain() throws {
        let stores = [try store(), try store()]
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            do {
                try AuditLog(store: stores[i % 2]).record(operator: "t\(i)", command: "test", scope: AuditScope("\(i)"), purpose: nil)
            } catch {
                failures.add("\(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        let verification = try AuditLog(store: stores[0]).verify()
        XCTAssertEqual(verification.entries, 40)
        XCTAssertTrue(verification.isIntact, "\(verification.problems)")
    }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
