internal import Foundation
internal import GRDB

/// The push outbox: dedup memory, the night's digests (written in one transaction), statuses.
extension ProfileStore {
    /// Everything already told, by (entity, policy, period, topic).
    public func pushTold() throws -> [PushToldKey: PushTold] {
        try guarded("读取推送记录") {
            try pool.read { db in
                var out: [PushToldKey: PushTold] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT entity_id, policy_id, period, topic, amount_fen, status FROM push_told")
                while let row = try rows.next() {
                    out[PushToldKey(entityID: row[0], policyID: row[1], period: row[2], topic: row[3])] = PushTold(amountFen: row[4], status: row[5])
                }
                return out
            }
        }
    }

    /// Writes a night's digests and remembers their items as told, all in one transaction; a
    /// digest whose key is already stored is skipped with its items. Returns how many were new.
    @discardableResult
    public func queuePush(_ drafts: [PushDraft], remembering silent: [PushItem] = [], night: String, at time: String) throws -> Int {
        try guarded("写入推送待发箱") {
            try pool.write { db in
                let insert = try db.makeStatement(sql: """
                    INSERT OR IGNORE INTO push_messages (key, night, payee_id, channel, address, body, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let item = try db.makeStatement(sql: """
                    INSERT OR IGNORE INTO push_message_items (message_id, item_key, entity_id, policy_id, period, kind, amount_fen)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                let told = try db.makeStatement(sql: """
                    INSERT INTO push_told (entity_id, policy_id, period, topic, amount_fen, status, night) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(entity_id, policy_id, period, topic) DO UPDATE SET amount_fen = excluded.amount_fen,
                        status = excluded.status, night = excluded.night
                    """)
                let history = try db.makeStatement(sql: "INSERT INTO push_history (message_id, status, channel, time, note) VALUES (?, ?, ?, ?, NULL)")
                var added = 0
                for i in silent {
                    try told.execute(arguments: [i.entityID, i.policyID, i.period, i.topic, i.amountFen, i.status, night])
                }
                for draft in drafts {
                    try insert.execute(arguments: [
                        draft.key, draft.night, draft.payeeID, draft.channel, draft.address, draft.body, draft.status, time, time,
                    ])
                    guard db.changesCount > 0 else { continue }
                    added += 1
                    let id = db.lastInsertedRowID
                    try history.execute(arguments: [id, draft.status, draft.channel, time])
                    for i in draft.items {
                        try item.execute(arguments: [id, i.key, i.entityID, i.policyID, i.period, i.kind, i.amountFen])
                        try told.execute(arguments: [i.entityID, i.policyID, i.period, i.topic, i.amountFen, i.status, draft.night])
                    }
                }
                return added
            }
        }
    }

    /// Messages in any of `statuses`, oldest first (all when `statuses` is empty).
    public func pushMessages(statuses: [String] = [], limit: Int? = nil) throws -> [PushMessage] {
        try guarded("读取推送消息") {
            try pool.read { db in
                var sql = "SELECT id, key, night, payee_id, channel, address, body, status, attempts, reason, created_at FROM push_messages"
                var arguments: [any DatabaseValueConvertible] = []
                if !statuses.isEmpty {
                    sql += " WHERE status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))"
                    arguments += statuses
                }
                sql += " ORDER BY id"
                if let limit { sql += " LIMIT \(max(0, limit))" }
                return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    PushMessage(
                        id: row[0], key: row[1], night: row[2], payeeID: row[3], channel: row[4], address: row[5], body: row[6], status: row[7],
                        attempts: row[8], reason: row[9], createdAt: row[10]
                    )
                }
            }
        }
    }

    /// How many messages are in any of `statuses`, of one night when `night` is given.
    public func pushMessageCount(statuses: [String], night: String? = nil) throws -> Int {
        try guarded("读取推送统计") {
            try pool.read { db in
                var sql = "SELECT COUNT(*) FROM push_messages WHERE status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))"
                var arguments: [any DatabaseValueConvertible] = statuses
                if let night {
                    sql += " AND night = ?"
                    arguments.append(night)
                }
                return try Int.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) ?? 0
            }
        }
    }

    /// Moves a message to `status` and records it in its history (attempts counted on `sending`).
    public func pushTransition(_ id: Int64, to status: String, at time: String, note: String? = nil) throws {
        try guarded("更新推送状态") {
            try pool.write { db in
                let attempt = status == "sending" ? 1 : 0
                try db.execute(
                    sql: "UPDATE push_messages SET status = ?, attempts = attempts + ?, reason = ?, updated_at = ? WHERE id = ?",
                    arguments: [status, attempt, note, time, id]
                )
                try db.execute(
                    sql: """
                        INSERT INTO push_history (message_id, status, channel, time, note)
                        SELECT id, ?, channel, ?, ? FROM push_messages WHERE id = ?
                        """,
                    arguments: [status, time, note, id]
                )
            }
        }
    }

    /// How many messages of `channel` went out (`sending` entries) at or after `since`.
    public func pushSent(channel: String, since: String) throws -> Int {
        try guarded("读取推送发送量") {
            try pool.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(DISTINCT message_id) FROM push_history WHERE channel = ? AND status = 'sending' AND time >= ?",
                    arguments: [channel, since]
                ) ?? 0
            }
        }
    }

    /// A message's history, oldest first.
    public func pushHistory(_ id: Int64) throws -> [PushHistoryEntry] {
        try guarded("读取推送状态历史") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT status, time, note FROM push_history WHERE message_id = ? ORDER BY id", arguments: [id])
                    .map { PushHistoryEntry(status: $0[0], time: $0[1], note: $0[2]) }
            }
        }
    }

    /// Message counts by (channel, status).
    public func pushCounts() throws -> [(channel: String, status: String, count: Int)] {
        try guarded("读取推送统计") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT channel, status, COUNT(*) FROM push_messages GROUP BY channel, status ORDER BY channel, status")
                    .map { (channel: $0[0], status: $0[1], count: $0[2]) }
            }
        }
    }

    /// Records opt-outs (an address already opted out keeps its first record); returns how many were new.
    @discardableResult
    public func recordOptOuts(_ optOuts: [PushOptOut], at time: String) throws -> Int {
        try guarded("写入退订记录") {
            try pool.write { db in
                let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO push_optouts (address, source, file, line, imported_at) VALUES (?, ?, ?, ?, ?)")
                var added = 0
                for o in optOuts {
                    try insert.execute(arguments: [o.address, o.source, o.file, o.line, time])
                    added += db.changesCount
                }
                return added
            }
        }
    }

    /// Every opted-out phone or ID number.
    public func optedOut() throws -> Set<String> {
        try guarded("读取退订记录") {
            try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT address FROM push_optouts")) }
        }
    }
}
