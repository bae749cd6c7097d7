internal import Foundation
public import Store

/// `mianshen push dispatch`: sends what is due, outside quiet hours, within each channel's hourly
/// limit. Each attempt is recorded (`sending`) before the request, so a message a crash left in
/// `sending` is sent again with the same idempotency key (at-least-once; the gateway dedups).
/// 5xx and timeouts are retried with exponential back-off and jitter; 4xx fail with the reason.
public enum PushDispatcher {
    public struct Summary: Sendable, Equatable {
        public var quiet = false
        public var delivered = 0
        public var failed = 0
        public var expired = 0
        /// Attempts after a 5xx or a timeout.
        public var retries = 0
        /// Due but over a channel's hourly limit (or in quiet hours): waiting for the next dispatch.
        public var waiting = 0
    }

    /// How long to wait before attempt `attempt + 1`: backoff × 2^(attempt−1) × a jitter in [0.5, 1.5).
    public static func delay(attempt: Int, backoff: Double, jitter: Double = Double.random(in: 0.5..<1.5)) -> Double {
        backoff * pow(2, Double(max(0, attempt - 1))) * jitter
    }

    public static func dispatch(
        store: ProfileStore, gateway: any PushGateway, clock: PushClock, parallel: Int = 8
    ) async throws -> Summary {
        var summary = Summary()
        let now = clock.nowText
        var due = try store.pushMessages(statuses: ["sending", "queued"])
        // Too old to be news: expired, never sent.
        let oldest = PushClock.text(clock.now.addingTimeInterval(-Double(clock.settings.expireHours) * 3600))
        for message in due where message.createdAt < oldest {
            try store.pushTransition(message.id, to: "expired", at: now, note: "排队超过 \(clock.settings.expireHours) 小时未发出")
            summary.expired += 1
        }
        due.removeAll { $0.createdAt < oldest }
        if clock.isQuiet() {
            summary.quiet = true
            summary.waiting = due.count
            return summary
        }
        let hourAgo = PushClock.text(clock.now.addingTimeInterval(-3600))
        var budget: [String: Int] = [:]
        for channel in Set(due.map(\.channel)) {
            let limit = clock.settings.ratePerHour[channel] ?? Int.max
            let sent = try store.pushSent(channel: channel, since: hourAgo)
            budget[channel] = max(0, limit - sent)
        }
        var sendable: [PushMessage] = []
        for message in due {
            if let left = budget[message.channel], left > 0 {
                budget[message.channel] = left - 1
                sendable.append(message)
            } else {
                summary.waiting += 1
            }
        }
        let settings = clock.settings
        try await withThrowingTaskGroup(of: Attempted.self) { group in
            var pending = sendable[...]
            var running = 0
            while running > 0 || !pending.isEmpty {
                while running < max(1, parallel), let message = pending.popFirst() {
                    group.addTask { try await send(message, store: store, gateway: gateway, settings: settings, at: now) }
                    running += 1
                }
                guard let result = try await group.next() else { break }
                running -= 1
                summary.retries += result.retries
                if result.delivered { summary.delivered += 1 } else { summary.failed += 1 }
            }
        }
        return summary
    }

    struct Attempted: Sendable {
        var delivered: Bool
        var retries: Int
    }

    static func send(_ message: PushMessage, store: ProfileStore, gateway: any PushGateway, settings: PushSettings, at now: String) async throws -> Attempted {
        let body = GatewayMessage(key: message.key, channel: message.channel, to: message.address ?? "", text: message.body, night: message.night)
        var attempt = 0
        while true {
            attempt += 1
            try store.pushTransition(message.id, to: "sending", at: now, note: attempt > 1 ? "第 \(attempt) 次尝试" : nil)
            switch await gateway.send(body) {
            case .delivered:
                try store.pushTransition(message.id, to: "delivered", at: now)
                return Attempted(delivered: true, retries: attempt - 1)
            case .rejected(let reason):
                try store.pushTransition(message.id, to: "failed", at: now, note: reason)
                return Attempted(delivered: false, retries: attempt - 1)
            case .transient(let reason):
                guard attempt < settings.maxAttempts else {
                    try store.pushTransition(message.id, to: "failed", at: now, note: "尝试 \(attempt) 次仍未成功：\(reason)")
                    return Attempted(delivered: false, retries: attempt - 1)
                }
                let seconds = delay(attempt: attempt, backoff: settings.backoffSeconds)
                if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
            }
        }
    }

    /// `push retry --failed`: failed messages back to the queue (their history keeps the failure).
    public static func requeueFailed(store: ProfileStore, clock: PushClock) throws -> Int {
        let failed = try store.pushMessages(statuses: ["failed"])
        for message in failed { try store.pushTransition(message.id, to: "queued", at: clock.nowText, note: "重新排队（push retry --failed）") }
        return failed.count
    }
}
