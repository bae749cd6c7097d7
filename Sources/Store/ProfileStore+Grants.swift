internal import Foundation
internal import GRDB
internal import GRDBSQLite

extension ProfileStore {
    /// What the ledger holds for one policy and period, aligned to a population's ascending ids:
    /// one pass over the grants in entity order (the (policy, period, entity) index) merged with
    /// the ids, comparing bytes. A dictionary of a million grants and a binary search of the
    /// population per grant were most of a steady-state night's posting.
    public func heldGrants(policyID: String, period: String, alignedTo ids: [String]) throws -> HeldGrants {
        try guarded("读取发放台账") {
            try pool.read { db in
                let statement = try db.makeStatement(sql: """
                    SELECT g.entity_id, (SELECT COALESCE(SUM(e.amount_fen), 0) FROM grant_entries e WHERE e.grant_id = g.id)
                    FROM grants g WHERE g.policy_id = ? AND g.period = ? ORDER BY g.entity_id
                    """)
                try statement.setArguments([policyID, period])
                let handle = statement.sqliteStatement
                var out = HeldGrants(net: Array(repeating: nil, count: ids.count))
                var next = 0
                while true {
                    let code = sqlite3_step(handle) & 0xFF
                    if code == SQLITE_DONE { break }
                    guard code == SQLITE_ROW else {
                        throw StoreError("读取发放台账失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                    }
                    let fen = sqlite3_column_int64(handle, 1)
                    out.count += 1
                    out.totalFen += fen
                    let entity = UnsafeRawBufferPointer(start: sqlite3_column_text(handle, 0), count: Int(sqlite3_column_bytes(handle, 0)))
                    var order = 1
                    while next < ids.count {
                        order = Self.compare(ids[next], entity)
                        guard order < 0 else { break }
                        next += 1
                    }
                    if order == 0 {
                        out.net[next] = fen
                        next += 1
                    } else {
                        out.others.append((String(decoding: entity, as: UTF8.self), fen))
                    }
                }
                return out
            }
        }
    }

    /// `id` against UTF-8 `bytes` in SQLite's BINARY order: < 0, 0 or > 0.
    private static func compare(_ id: String, _ bytes: UnsafeRawBufferPointer) -> Int {
        var id = id
        return id.withUTF8 { own in
            for i in 0..<min(own.count, bytes.count) where own[i] != bytes[i] {
                return own[i] < bytes[i] ? -1 : 1
            }
            return own.count - bytes.count
        }
    }

    /// Posts grants in one transaction: a new key gets a grant and a 发放 entry; a known key whose
    /// net amount differs gets a 补发 or 追回 entry for the difference; the same amount writes
    /// nothing. Each flagging opens a review flag on its grant unless one is pending (open, or
    /// closed by hand with no eligible run since; see `flaggedEntities`); each of `cleared`
    /// (eligible again) closes its grant's open flag as resolved by the run. A run posting
    /// `periods` older than the latest run posted for one of them is refused (`GrantLedgerError`)
    /// and nothing is written.
    public func postGrants(_ grants: GrantPostings, runID: Int64?) throws -> PostingSummary {
        try guarded("写入发放台账") {
            try pool.write { db in try Self.post(db, grants, runID: runID) }
        }
    }

    static func post(_ db: Database, _ grants: GrantPostings, runID: Int64?) throws -> PostingSummary {
        let now = Self.timestamp()
        var summary = PostingSummary()
        if let runID { try Self.recordPosts(grants.periods, runID: runID, at: now, db) }
        summary.resolved = try Self.resolveFlags(grants.cleared, runID: runID, at: now, db)
        let insertGrant = try db.makeStatement(sql: """
            INSERT INTO grants (number, policy_id, policy_title, entity_id, period, period_label, payee_id, source,
                application_number, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertEntry = try db.makeStatement(sql: """
            INSERT INTO grant_entries (grant_id, seq, kind, amount_fen, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        // What each (policy, period) already holds, read once per group rather than per posting.
        var held: [String: [String: Held]] = [:]
        for p in grants.postings {
            let b = p.benefit
            let group = b.policyID + "\u{1F}" + b.period
            if held[group] == nil { held[group] = try Self.held(db, policyID: b.policyID, period: b.period) }
            if let existing = held[group]?[b.entityID] {
                let delta = p.amountFen - existing.netFen
                if delta == 0 {
                    summary.unchanged += 1
                    continue
                }
                insertEntry.setUncheckedArguments([existing.id, existing.entries + 1, delta > 0 ? "补发" : "追回", delta, runID, now])
                try insertEntry.execute()
                held[group]?[b.entityID] = Held(id: existing.id, netFen: p.amountFen, entries: existing.entries + 1)
                if delta > 0 { summary.topUps += 1 } else { summary.clawbacks += 1 }
            } else {
                insertGrant.setUncheckedArguments([
                    b.number, b.policyID, b.policyTitle, b.entityID, b.period, b.periodLabel, b.payeeID, p.source,
                    p.applicationNumber, runID, now,
                ])
                try insertGrant.execute()
                let id = db.lastInsertedRowID
                insertEntry.setUncheckedArguments([id, 1, "发放", p.amountFen, runID, now])
                try insertEntry.execute()
                held[group]?[b.entityID] = Held(id: id, netFen: p.amountFen, entries: 1)
                summary.created += 1
            }
        }
        let find = try db.makeStatement(sql: "SELECT id FROM grants WHERE policy_id = ? AND entity_id = ? AND period = ?")
        // Not while a flag is open, or closed by a person with no eligible run since.
        let open = try db.makeStatement(sql: "SELECT 1 FROM grant_flags WHERE grant_id = ? AND resolved_run_id IS NULL LIMIT 1")
        let insertFlag = try db.makeStatement(sql: """
            INSERT INTO grant_flags (grant_id, run_id, outcome, created_at) VALUES (?, ?, ?, ?)
            """)
        for f in grants.flags {
            guard let id = try Int64.fetchOne(find, arguments: [f.policyID, f.entityID, f.period]),
                  try Bool.fetchOne(open, arguments: [id]) != true else { continue }
            try insertFlag.execute(arguments: [id, runID ?? 0, f.outcome, now])
            summary.flagged += 1
        }
        return summary
    }

    /// A grant already in the ledger: its row id, net amount and number of entries.
    struct Held {
        var id: Int64
        var netFen: Int64
        var entries: Int
    }

    /// The grants of one policy and period by entity, with their net amounts.
    static func held(_ db: Database, policyID: String, period: String) throws -> [String: Held] {
        var out: [String: Held] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT g.id, g.entity_id, COALESCE(SUM(e.amount_fen), 0), COUNT(e.id) FROM grants g
            LEFT JOIN grant_entries e ON e.grant_id = g.id WHERE g.policy_id = ? AND g.period = ? GROUP BY g.id
            """, arguments: [policyID, period])
        while let row = try rows.next() { out[row[1]] = Held(id: row[0], netFen: row[2], entries: row[3]) }
        return out
    }

    /// Ledger entries, by period, policy, grant and entry.
    public func grantEntries(_ query: GrantQuery) throws -> [GrantEntryRow] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let period = query.period {
            clauses.append("g.period = ?")
            arguments.append(period)
        }
        if let policy = query.policyID {
            clauses.append("g.policy_id = ?")
            arguments.append(policy)
        }
        if query.flaggedOnly { clauses.append("f.outcome IS NOT NULL") }
        if query.unpaidOnly { clauses.append("(p.status IS NULL OR p.status <> 'paid')") }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try guarded("读取发放台账") {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT g.number, g.policy_id, g.policy_title, g.entity_id, g.period, g.period_label, g.payee_id, g.source,
                        g.application_number, e.seq, e.kind, e.amount_fen, e.run_id, e.created_at, p.status AS payment, f.outcome AS flag
                    FROM grant_entries e JOIN grants g ON g.id = e.grant_id
                    LEFT JOIN grant_payments p ON p.id = (SELECT MAX(id) FROM grant_payments WHERE entry_id = e.id)
                    LEFT JOIN grant_flags f ON f.id = (SELECT MAX(id) FROM grant_flags WHERE grant_id = g.id AND status = 'open')
                    \(filter)
                    ORDER BY g.period, g.policy_id, g.entity_id, e.seq
                    """, arguments: StatementArguments(arguments)).map { row in
                    let benefit = Self.benefit(row), seq: Int = row["seq"]
                    return GrantEntryRow(
                        entryID: "\(benefit.number)-\(seq)", benefit: benefit,
                        source: row["source"], applicationNumber: row["application_number"], kind: row["kind"],
                        amountFen: row["amount_fen"], runID: row["run_id"], createdAt: row["created_at"], payment: row["payment"],
                        flag: row["flag"]
                    )
                }
            }
        }
    }

    /// Records the finance office's statuses in one transaction. The ids are looked up in it
    /// first; `rejecting` is given those the ledger does not hold (possibly none) and may throw,
    /// which records nothing.
    public func confirmPayments(
        _ confirmations: [PaymentConfirmation], rejecting: ([PaymentConfirmation]) throws -> Void
    ) throws -> Int {
        let now = Self.timestamp()
        return try guarded("写入发放结果") {
            try pool.write { db in
                let find = try db.makeStatement(sql: """
                    SELECT e.id FROM grant_entries e JOIN grants g ON g.id = e.grant_id WHERE g.number = ? AND e.seq = ?
                    """)
                var entries: [String: Int64] = [:]
                for id in Set(confirmations.map(\.entryID)) {
                    if let (number, seq) = Self.splitEntryID(id), let entry = try Int64.fetchOne(find, arguments: [number, seq]) { entries[id] = entry }
                }
                try rejecting(confirmations.filter { entries[$0.entryID] == nil })
                let latest = try db.makeStatement(sql: "SELECT status, time FROM grant_payments WHERE entry_id = ? ORDER BY id DESC LIMIT 1")
                let insert = try db.makeStatement(sql: """
                    INSERT INTO grant_payments (entry_id, status, time, note, file, line, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                var recorded = 0
                for c in confirmations {
                    guard let entry = entries[c.entryID] else { continue }
                    // The same file confirmed twice records nothing new.
                    if let row = try Row.fetchOne(latest, arguments: [entry]), row[0] == c.status, (row[1] as String?) == c.time { continue }
                    try insert.execute(arguments: [entry, c.status, c.time, c.note, c.file, c.line, now])
                    recorded += 1
                }
                return recorded
            }
        }
    }

    /// A benefit from a row of `grants` or `applications` (the same column names).
    static func benefit(_ row: Row) -> Benefit {
        Benefit(
            number: row["number"], policyID: row["policy_id"], policyTitle: row["policy_title"], entityID: row["entity_id"],
            period: row["period"], periodLabel: row["period_label"], payeeID: row["payee_id"]
        )
    }

    /// `QY-KGBZ-ONCE-3F2A…-2` → (`QY-KGBZ-ONCE-3F2A…`, 2).
    static func splitEntryID(_ id: String) -> (String, Int)? {
        guard let dash = id.lastIndex(of: "-"), let seq = Int(id[id.index(after: dash)...]), seq > 0 else { return nil }
        return (String(id[..<dash]), seq)
    }
}
