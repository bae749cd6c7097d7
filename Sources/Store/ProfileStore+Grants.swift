internal import Foundation
internal import GRDB

extension ProfileStore {
    /// Net amount granted per entity for one policy and period (entries summed).
    public func grantedInPeriod(policyID: String, period: String) throws -> [String: Int64] {
        try guarded("读取发放台账") {
            try pool.read { db in
                var out: [String: Int64] = [:]
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT g.entity_id, COALESCE(SUM(e.amount_fen), 0) FROM grants g LEFT JOIN grant_entries e ON e.grant_id = g.id
                    WHERE g.policy_id = ? AND g.period = ? GROUP BY g.id
                    """, arguments: [policyID, period])
                while let row = try rows.next() { out[row[0]] = row[1] }
                return out
            }
        }
    }

    /// Posts grants in one transaction: a new key gets a grant and a 发放 entry; a known key whose
    /// net amount differs gets a 补发 or 追回 entry for the difference; the same amount writes
    /// nothing. Each flagging opens a review flag on its grant unless one is open already.
    public func postGrants(_ postings: [GrantPosting], flags: [GrantFlagging], runID: Int64?) throws -> PostingSummary {
        let now = Self.timestamp()
        return try guarded("写入发放台账") {
            try pool.write { db in
                var summary = PostingSummary()
                let find = try db.makeStatement(sql: "SELECT id FROM grants WHERE policy_id = ? AND entity_id = ? AND period = ?")
                let net = try db.makeStatement(sql: "SELECT COALESCE(SUM(amount_fen), 0), COUNT(*) FROM grant_entries WHERE grant_id = ?")
                let insertGrant = try db.makeStatement(sql: """
                    INSERT INTO grants (number, policy_id, policy_title, entity_id, period, period_label, payee_id, source,
                        application_number, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let insertEntry = try db.makeStatement(sql: """
                    INSERT INTO grant_entries (grant_id, seq, kind, amount_fen, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for p in postings {
                    let b = p.benefit
                    if let id = try Int64.fetchOne(find, arguments: [b.policyID, b.entityID, b.period]) {
                        guard let row = try Row.fetchOne(net, arguments: [id]) else { continue }
                        let held: Int64 = row[0], count: Int = row[1]
                        let delta = p.amountFen - held
                        if delta == 0 {
                            summary.unchanged += 1
                            continue
                        }
                        try insertEntry.execute(arguments: [id, count + 1, delta > 0 ? "补发" : "追回", delta, runID, now])
                        if delta > 0 { summary.topUps += 1 } else { summary.clawbacks += 1 }
                    } else {
                        try insertGrant.execute(arguments: [
                            b.number, b.policyID, b.policyTitle, b.entityID, b.period, b.periodLabel, b.payeeID, p.source,
                            p.applicationNumber, runID, now,
                        ])
                        try insertEntry.execute(arguments: [db.lastInsertedRowID, 1, "发放", p.amountFen, runID, now])
                        summary.created += 1
                    }
                }
                let open = try db.makeStatement(sql: "SELECT 1 FROM grant_flags WHERE grant_id = ? AND status = 'open'")
                let insertFlag = try db.makeStatement(sql: """
                    INSERT INTO grant_flags (grant_id, run_id, outcome, created_at) VALUES (?, ?, ?, ?)
                    """)
                for f in flags {
                    guard let id = try Int64.fetchOne(find, arguments: [f.policyID, f.entityID, f.period]),
                          try Bool.fetchOne(open, arguments: [id]) != true else { continue }
                    try insertFlag.execute(arguments: [id, runID ?? 0, f.outcome, now])
                    summary.flagged += 1
                }
                return summary
            }
        }
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

    /// Entry ids (发放编号) among `ids` that the ledger does not hold.
    public func unknownEntryIDs(_ ids: [String]) throws -> Set<String> {
        try guarded("读取发放台账") {
            try pool.read { db in
                let find = try db.makeStatement(sql: """
                    SELECT 1 FROM grant_entries e JOIN grants g ON g.id = e.grant_id WHERE g.number = ? AND e.seq = ?
                    """)
                var unknown: Set<String> = []
                for id in Set(ids) {
                    guard let (number, seq) = Self.splitEntryID(id), try Bool.fetchOne(find, arguments: [number, seq]) == true else {
                        unknown.insert(id)
                        continue
                    }
                }
                return unknown
            }
        }
    }

    /// Records the finance office's statuses (all ids must be known: see `unknownEntryIDs`).
    public func confirmPayments(_ confirmations: [PaymentConfirmation]) throws -> Int {
        let now = Self.timestamp()
        return try guarded("写入发放结果") {
            try pool.write { db in
                let find = try db.makeStatement(sql: """
                    SELECT e.id FROM grant_entries e JOIN grants g ON g.id = e.grant_id WHERE g.number = ? AND e.seq = ?
                    """)
                let latest = try db.makeStatement(sql: "SELECT status, time FROM grant_payments WHERE entry_id = ? ORDER BY id DESC LIMIT 1")
                let insert = try db.makeStatement(sql: """
                    INSERT INTO grant_payments (entry_id, status, time, note, file, line, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                var recorded = 0
                for c in confirmations {
                    guard let (number, seq) = Self.splitEntryID(c.entryID),
                          let entry = try Int64.fetchOne(find, arguments: [number, seq]) else { continue }
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
