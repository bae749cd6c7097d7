internal import Datasets
internal import Foundation
internal import GRDB
internal import GRDBSQLite

/// Manual review items: read, opened and rebound by runs (in one transaction, one prepared
/// statement per kind of change), decided and reopened by people. History is only appended.
extension ProfileStore {
    /// Items by status (nil: all) and policy (nil: all), by id.
    public func reviewItems(status: ReviewItem.Status? = nil, policy: String? = nil) throws -> [ReviewItem] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let status {
            clauses.append("status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let policy {
            clauses.append("policy_id = ?")
            _ = arguments.append(contentsOf: [policy])
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try guarded("读取复核事项") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.reviewColumns) FROM review_items \(filter) ORDER BY id", arguments: arguments).map(Self.reviewItem)
            }
        }
    }

    /// What a run needs of every item of `policies`, by policy id: one ordered read per policy
    /// through the (policy, entity) index, read by column position into flat arrays (a night with a
    /// hundred thousand items must build neither records nor a dictionary per item). An item
    /// whose stored hash is damaged is left out: the run treats its row as having no item and
    /// opens one (which the store then ignores) — never a decision applied to unknown inputs.
    /// With `decidedOnly`, only decided items (a run whose items' bindings are known to hold).
    public func reviewBindings(policies: [String], decidedOnly: Bool = false) throws -> [String: PolicyReviewBindings] {
        try guarded("读取复核事项") {
            try pool.read { db in
                var out: [String: PolicyReviewBindings] = [:]
                let statement = try db.makeStatement(sql: """
                    SELECT entity_id, id, inputs_sha256, CASE WHEN status = 'decided' THEN outcome END, amount_fen
                    FROM review_items WHERE policy_id = ? \(decidedOnly ? "AND status = 'decided'" : "") ORDER BY entity_id
                    """)
                // Read by column position straight from the statement (no `Row`, no hex string
                // per item): 142 k items at 1 M residents are read before every nightly run.
                let handle = statement.sqliteStatement
                for policy in policies {
                    var bindings = PolicyReviewBindings()
                    try statement.setArguments([policy])
                    while true {
                        let code = sqlite3_step(handle) & 0xFF
                        if code == SQLITE_DONE { break }
                        guard code == SQLITE_ROW else {
                            throw StoreError("读取复核事项失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                        }
                        let outcome = PartReader.text(handle, 3).flatMap(ReviewItem.Outcome.init(rawValue:))
                        let hex = UnsafeRawBufferPointer(start: sqlite3_column_text(handle, 2), count: Int(sqlite3_column_bytes(handle, 2)))
                        bindings.append(
                            entityID: PartReader.text(handle, 0) ?? "", itemID: sqlite3_column_int64(handle, 1), sha256: hex, decided: outcome,
                            amountFen: sqlite3_column_type(handle, 4) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 4)
                        )
                    }
                    sqlite3_reset(handle)
                    if bindings.count > 0 { out[policy] = bindings }
                }
                return out
            }
        }
    }

    /// The items of one entity (person, household or enterprise), by policy.
    public func reviewItems(entity: String) throws -> [ReviewItem] {
        try guarded("读取复核事项") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.reviewColumns) FROM review_items WHERE entity_id = ? ORDER BY policy_id", arguments: [entity])
                    .map(Self.reviewItem)
            }
        }
    }

    public func reviewItem(_ id: Int64) throws -> ReviewItem? {
        try guarded("读取复核事项") {
            try pool.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.reviewColumns) FROM review_items WHERE id = ?", arguments: [id]).map(Self.reviewItem) }
        }
    }

    /// An item's history, oldest first.
    public func reviewEvents(_ id: Int64) throws -> [ReviewEvent] {
        try guarded("读取复核记录") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM review_events WHERE item_id = ? ORDER BY id", arguments: [id]).map { row in
                    ReviewEvent(at: row["at"], action: row["action"], runID: row["run_id"], reviewer: row["operator"], note: row["note"])
                }
            }
        }
    }

    /// Applies a run's changes in one transaction; returns how many items were opened and how
    /// many were bound to new inputs (of which `reopened` had been decided).
    @discardableResult
    public func recordReviewChanges(_ changes: [ReviewChange], run: Int64) throws -> (opened: Int, changed: Int, reopened: Int) {
        guard !changes.isEmpty else { return (0, 0, 0) }
        return try guarded("保存复核事项") {
            try pool.write { db in try Self.applyReviewChanges(db, changes, run: run) }
        }
    }

    static func applyReviewChanges(_ db: Database, _ changes: [ReviewChange], run: Int64) throws -> (opened: Int, changed: Int, reopened: Int) {
        guard !changes.isEmpty else { return (0, 0, 0) }
        let now = Self.timestamp()
        let insert = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO review_items (policy_id, subject, entity_id, inputs_sha256, missing, needs_amount, status,
                opened_run, last_run, opened_at)
            VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
            """)
        let rebind = try db.makeStatement(sql: """
            UPDATE review_items SET inputs_sha256 = ?, missing = ?, needs_amount = ?, status = 'open', outcome = NULL,
                amount_fen = NULL, reason = NULL, reviewer = NULL, decided_at = NULL, last_run = ?
            WHERE id = ?
            """)
        let wasDecided = try db.makeStatement(sql: "SELECT status = 'decided' FROM review_items WHERE id = ?")
        let event = try db.makeStatement(sql: """
            INSERT INTO review_events (item_id, at, action, run_id, inputs_sha256) VALUES (?, ?, ?, ?, ?)
            """)
        var counts = (opened: 0, changed: 0, reopened: 0)
        for change in changes {
            let missing = change.missing.joined(separator: "\n")
            switch change.kind {
            case .open(let policy, let subject, let entity):
                // Its opening is the item itself (opened_run, opened_at): no event row, half the writes.
                // A run beside this one may have opened it meanwhile: then it is left as it is.
                // Bound straight to the statement: a first run opens 142 k items at 1 M residents,
                // and GRDB's arguments array per row took half of their 0.7 s.
                let handle = insert.sqliteStatement
                SQLiteBinding.bind(.text(policy), at: 1, to: handle)
                SQLiteBinding.bind(.text(subject), at: 2, to: handle)
                SQLiteBinding.bind(.text(entity), at: 3, to: handle)
                SQLiteBinding.bind(.text(change.inputsSHA256), at: 4, to: handle)
                SQLiteBinding.bind(.text(missing), at: 5, to: handle)
                sqlite3_bind_int64(handle, 6, change.needsAmount ? 1 : 0)
                sqlite3_bind_int64(handle, 7, run)
                sqlite3_bind_int64(handle, 8, run)
                SQLiteBinding.bind(.text(now), at: 9, to: handle)
                let code = sqlite3_step(handle) & 0xFF
                sqlite3_reset(handle)
                guard code == SQLITE_DONE else {
                    throw StoreError("保存复核事项失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                }
                counts.opened += Int(sqlite3_changes(db.sqliteConnection))
            case .inputsChanged(let id):
                let decided = try Bool.fetchOne(wasDecided, arguments: [id]) ?? false
                try rebind.execute(arguments: [change.inputsSHA256, missing, change.needsAmount, run, id])
                try event.execute(arguments: [id, now, decided ? "reopened_inputs_changed" : "inputs_changed", run, change.inputsSHA256])
                counts.changed += 1
                if decided { counts.reopened += 1 }
            }
        }
        return counts
    }

    /// Records a reviewer's decision on an open item.
    public func decideReviewItem(
        _ id: Int64, outcome: ReviewItem.Outcome, amountFen: Int64?, reason: String, reviewer: String
    ) throws -> ReviewItem {
        let now = Self.timestamp()
        return try guarded("保存复核决定") {
            try pool.write { db in
                let item = try Self.existingItem(id, db)
                if outcome == .eligible, item.needsAmount, amountFen == nil {
                    throw ReviewError("政策 \(item.policyID) 发放金额：复核事项 \(id) 认定符合时须给出每期金额（元）；待人工复核的对象引擎不计算金额。")
                }
                guard item.status == .open else {
                    throw ReviewError("复核事项 \(id) 已由 \(item.reviewer ?? "") 于 \(item.decidedAt ?? "") 决定为“\(item.outcome?.label ?? "")”；要改变决定，先用 review reopen \(id) --note … 重新打开。")
                }
                try db.execute(
                    sql: """
                        UPDATE review_items SET status = 'decided', outcome = ?, amount_fen = ?, reason = ?, reviewer = ?, decided_at = ?
                        WHERE id = ?
                        """,
                    arguments: [outcome.rawValue, amountFen, reason, reviewer, now, id]
                )
                try db.execute(
                    sql: "INSERT INTO review_events (item_id, at, action, run_id, operator, note, inputs_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [id, now, "decided:" + outcome.rawValue, item.lastRun, reviewer, reason, item.inputsSHA256]
                )
                return try Self.existingItem(id, db)
            }
        }
    }

    /// Reopens a decided item (异议申诉); the decision stays in the history.
    public func reopenReviewItem(_ id: Int64, note: String, reviewer: String) throws -> ReviewItem {
        let now = Self.timestamp()
        return try guarded("重新打开复核事项") {
            try pool.write { db in
                let item = try Self.existingItem(id, db)
                guard item.status == .decided else {
                    throw ReviewError("复核事项 \(id) 尚未决定，无需重新打开；用 review decide \(id) 作出决定。")
                }
                try db.execute(
                    sql: """
                        UPDATE review_items SET status = 'open', outcome = NULL, amount_fen = NULL, reason = NULL, reviewer = NULL,
                            decided_at = NULL WHERE id = ?
                        """,
                    arguments: [id]
                )
                try db.execute(
                    sql: "INSERT INTO review_events (item_id, at, action, run_id, operator, note, inputs_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [id, now, "reopened", item.lastRun, reviewer, note, item.inputsSHA256]
                )
                return try Self.existingItem(id, db)
            }
        }
    }

    private static func existingItem(_ id: Int64, _ db: Database) throws -> ReviewItem {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.reviewColumns) FROM review_items WHERE id = ?", arguments: [id]) else {
            throw ReviewError.noSuchItem(id)
        }
        return reviewItem(row)
    }

    /// The columns `reviewItem` reads, by position (a name look-up per column and row costs more than the query).
    static let reviewColumns = """
        id, policy_id, subject, entity_id, inputs_sha256, missing, needs_amount, status, outcome, amount_fen, reason, reviewer,
        decided_at, opened_run, last_run, opened_at
        """

    static func reviewItem(_ row: Row) -> ReviewItem {
        let missing: String = row[5]
        let status: String = row[7]
        let outcome: String? = row[8]
        return ReviewItem(
            id: row[0], policyID: row[1], subject: row[2], entityID: row[3], inputsSHA256: row[4],
            missing: missing.isEmpty ? [] : missing.components(separatedBy: "\n"), needsAmount: row[6],
            status: ReviewItem.Status(rawValue: status) ?? .open, outcome: outcome.flatMap(ReviewItem.Outcome.init(rawValue:)),
            amountFen: row[9], reason: row[10], reviewer: row[11], decidedAt: row[12], openedRun: row[13], lastRun: row[14],
            openedAt: row[15]
        )
    }
}
