import Datasets
import Foundation
import MianshenTesting
import Pipeline
import Store
import XCTest

enum PushItemFixtures {
    static func item(_ entity: String, _ policy: String, amount: Int64? = 1000) -> PushItem {
        PushItem(entityID: entity, policyID: policy, period: "202612", kind: "新资格", topic: "资金", amountFen: amount, status: "")
    }
}

/// A gateway double: answers from a script per key, records every attempt.
final class ScriptedGateway: PushGateway, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [String: [GatewayOutcome]]
    private(set) var attempts: [String] = []

    init(_ script: [String: [GatewayOutcome]]) { self.script = script }

    func send(_ message: GatewayMessage) async -> GatewayOutcome {
        lock.withLock {
            attempts.append(message.key)
            var answers = script[message.key] ?? []
            let answer = answers.isEmpty ? GatewayOutcome.delivered : answers.removeFirst()
            script[message.key] = answers
            return answer
        }
    }
}

/// The dispatcher on a store's outbox with a scripted gateway: quiet hours, rate limit, retries
/// on transient errors, none on a 4xx, a message left in `sending` sent again, expiry.
final class PushDispatcherTests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var store: ProfileStore!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        store = try ProfileStore(path: dir.file("p.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
    }

    private func clock(_ now: String, _ change: (inout PushSettings) -> Void = { _ in }) throws -> PushClock {
        var settings = PushSettings()
        settings.backoffSeconds = 0
        settings.maxAttempts = 3
        change(&settings)
        return PushClock(now: try XCTUnwrap(PushClock.parse(now)), settings: settings)
    }

    private func queue(_ payees: [String], at now: String = "2026-12-01T20:00:00+08:00") throws {
        let time = try clock(now).nowText
        let drafts = payees.map { payee in
            PushDraft(key: "k-\(payee)", night: "2026-12-01", payeeID: payee, channel: "sms", address: "1380000000\(payees.firstIndex(of: payee) ?? 0)",
                      body: "【二七区政务服务】…回T退订", status: "queued", items: [PushItemFixtures.item(payee, "P1")])
        }
        XCTAssertEqual(try store.queuePush(drafts, night: "2026-12-01", at: time), payees.count)
        XCTAssertEqual(try store.queuePush(drafts, night: "2026-12-01", at: time), 0, "the same digests again write nothing")
    }

    private func statuses() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try store.pushMessages().map { ($0.payeeID, $0.status) })
    }

    func testNothingIsSentInQuietHours() async throws {
        try queue(["A", "B"])
        let gateway = ScriptedGateway([:])
        let summary = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: try clock("2026-12-01T22:00:00+08:00"))
        XCTAssertTrue(summary.quiet)
        XCTAssertEqual(summary.waiting, 2)
        XCTAssertEqual(gateway.attempts, [])
        XCTAssertEqual(try statuses(), ["A": "queued", "B": "queued"])
    }

    func testTheHourlyLimitLeavesTheRestWaiting() async throws {
        try queue(["A", "B", "C"])
        let gateway = ScriptedGateway([:])
        let first = try clock("2026-12-02T08:30:00+08:00") { $0.ratePerHour["sms"] = 2 }
        let summary = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: first)
        XCTAssertEqual(summary.delivered, 2)
        XCTAssertEqual(summary.waiting, 1)
        let again = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: first)
        XCTAssertEqual(again.delivered, 0, "still within the same hour")
        let later = try clock("2026-12-02T09:31:00+08:00") { $0.ratePerHour["sms"] = 2 }
        let third = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: later)
        XCTAssertEqual(third.delivered, 1)
        XCTAssertEqual(try statuses(), ["A": "delivered", "B": "delivered", "C": "delivered"])
    }

    func testTransientErrorsAreRetriedAndFourHundredsAreNot() async throws {
        try queue(["A", "B", "C"])
        let gateway = ScriptedGateway([
            "k-A": [.transient("网关错误（HTTP 500）"), .transient("网关超时")],
            "k-B": [.rejected("网关拒绝（HTTP 400）：收件号码停机")],
            "k-C": [.transient("1"), .transient("2"), .transient("3")],
        ])
        let summary = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: try clock("2026-12-02T08:30:00+08:00"), parallel: 1)
        XCTAssertEqual(summary.delivered, 1)
        XCTAssertEqual(summary.failed, 2)
        XCTAssertEqual(gateway.attempts.filter { $0 == "k-A" }.count, 3)
        XCTAssertEqual(gateway.attempts.filter { $0 == "k-B" }.count, 1, "a 4xx is not retried")
        XCTAssertEqual(gateway.attempts.filter { $0 == "k-C" }.count, 3, "max_attempts")
        let messages = Dictionary(uniqueKeysWithValues: try store.pushMessages().map { ($0.payeeID, $0) })
        XCTAssertEqual(messages["B"]?.reason, "网关拒绝（HTTP 400）：收件号码停机")
        XCTAssertEqual(messages["C"]?.status, "failed")
        let history = try store.pushHistory(try XCTUnwrap(messages["A"]?.id)).map(\.status)
        XCTAssertEqual(history, ["queued", "sending", "sending", "sending", "delivered"])

        XCTAssertEqual(try PushDispatcher.requeueFailed(store: store, clock: try clock("2026-12-02T08:40:00+08:00")), 2)
        let retried = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: try clock("2026-12-02T08:45:00+08:00"))
        XCTAssertEqual(retried.delivered, 2)
        XCTAssertEqual(try statuses(), ["A": "delivered", "B": "delivered", "C": "delivered"])
    }

    func testAMessageLeftSendingByACrashIsSentAgainWithItsKey() async throws {
        try queue(["A"])
        let id = try XCTUnwrap(try store.pushMessages().first?.id)
        try store.pushTransition(id, to: "sending", at: "2026-12-02T00:30:00Z")
        let gateway = ScriptedGateway([:])
        let summary = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: try clock("2026-12-02T08:30:00+08:00"))
        XCTAssertEqual(summary.delivered, 1)
        XCTAssertEqual(gateway.attempts, ["k-A"])
    }

    func testAMessageTooOldExpires() async throws {
        try queue(["A"])
        let gateway = ScriptedGateway([:])
        let summary = try await PushDispatcher.dispatch(store: store, gateway: gateway, clock: try clock("2026-12-05T09:00:00+08:00"))
        XCTAssertEqual(summary.expired, 1)
        XCTAssertEqual(gateway.attempts, [])
        XCTAssertEqual(try statuses(), ["A": "expired"])
    }
}
