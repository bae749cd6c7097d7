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
                var items = try Row.fetchAll(db, sql: "SELECT \(Self.reviewColumns) FROM review_items \(filter) ORDER BY id", arguments: arguments)
                    .map(Self.reviewItem)
                // Items still in their segments are open.
                guard status != .decided else { return items }
                for segment in try ReviewSegment.read(db, policy: policy) {
                    let shadowed = try ReviewSegment.materialized(in: segment.items, db)
                    for index in 0..<segment.count where !shadowed.contains(segment.firstItem + Int64(index)) {
                        items.append(segment.item(index))
                    }
                }
                items.sort { $0.id < $1.id }
                return items
            }
        }
    }

    /// What a run needs of every item of `policies`, by policy id: one ordered read per policy
    /// through the (policy, entity) index, read by column position into flat arrays (a night with a
    /// hundred thousand items must build neither records nor a dictionary per item), merged in
    /// entity order with the items still in segments. An item whose stored hash is damaged is
    /// left out: the run treats its row as having no item and opens one (which the store then
    /// ignores) — never a decision applied to unknown inputs. With `decidedOnly`, only decided
    /// items (a run whose items' bindings are known to hold; segments hold open items only).
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
                    var rows = PolicyReviewBindings()
                    try statement.setArguments([policy])
                    while true {
                        let code = sqlite3_step(handle) & 0xFF
                        if code == SQLITE_DONE { break }
                        guard code == SQLITE_ROW else {
                            throw StoreError("读取复核事项失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                        }
                        let outcome = PartReader.text(handle, 3).flatMap(ReviewItem.Outcome.init(rawValue:))
                        let hex = UnsafeRawBufferPointer(start: sqlite3_column_text(handle, 2), count: Int(sqlite3_column_bytes(handle, 2)))
                        rows.append(
                            entityID: PartReader.text(handle, 0) ?? "", itemID: sqlite3_column_int64(handle, 1), sha256: hex, decided: outcome,
                            amountFen: sqlite3_column_type(handle, 4) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 4)
                        )
                    }
                    sqlite3_reset(handle)
                    let bindings = decidedOnly ? rows : Self.merged(rows, try ReviewSegment.read(db, policy: policy))
                    if bindings.count > 0 { out[policy] = bindings }
                }
                return out
            }
        }
    }

    /// One policy's item rows and its segments' entries (those not shadowed by a row) in one
    /// ascending entity order: each list ascends, so the merge walks them once.
    static func merged(_ rows: PolicyReviewBindings, _ segments: [ReviewSegment]) -> PolicyReviewBindings {
        guard !segments.isEmpty else { return rows }
        let shadowed = Set(rows.itemIDs)
        var out = PolicyReviewBindings()
        var row = 0
        var cursors = [Int](repeating: 0, count: segments.count)
        func skipShadowed(_ s: Int) {
            while cursors[s] < segments[s].count, shadowed.contains(segments[s].firstItem + Int64(cursors[s])) { cursors[s] += 1 }
        }
        for s in segments.indices { skipShadowed(s) }
        while true {
            // The smallest head: the rows' or a segment's.
            var best: Int? = nil
            var entity = row < rows.count ? rows.entityIDs[row] : nil
            for s in segments.indices where cursors[s] < segments[s].count {
                let candidate = segments[s].entities[cursors[s]]
                if entity.map({ candidate < $0 }) ?? true {
                    entity = candidate
                    best = s
                }
            }
            guard entity != nil else { return out }
            if let s = best {
                let segment = segments[s], index = cursors[s]
                out.append(
                    entityID: segment.entities[index], itemID: segment.firstItem + Int64(index),
                    digest: segment.digests[32 * index ..< 32 * index + 32], decided: nil, amountFen: nil
                )
                cursors[s] += 1
                skipShadowed(s)
            } else {
                out.append(
                    entityID: rows.entityIDs[row], itemID: rows.itemIDs[row], digest: rows.digests[32 * row ..< 32 * row + 32],
                    decided: rows.decided[row], amountFen: rows.amountFen[row]
                )
                row += 1
            }
        }
    }

    /// The items of one entity (person, household or enterprise), by policy.
    public func reviewItems(entity: String) throws -> [ReviewItem] {
        try guarded("读取复核事项") {
            try pool.read { db in
                var items = try Row.fetchAll(db, sql: "SELECT \(Self.reviewColumns) FROM review_items WHERE entity_id = ? ORDER BY policy_id", arguments: [entity])
                    .map(Self.reviewItem)
                // A row of the same policy is the entity's item (the segment's entry became it).
                let rows = Set(items.map(\.policyID))
                for segment in try ReviewSegment.read(db) where !rows.contains(segment.policyID) {
                    if let index = segment.index(of: entity) { items.append(segment.item(index)) }
                }
                return items.sorted { ($0.policyID, $0.id) < ($1.policyID, $1.id) }
            }
        }
    }

    public func reviewItem(_ id: Int64) throws -> ReviewItem? {
        try guarded("读取复核事项") {
            try pool.read { db in try Self.item(id, db) }
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
    public func recordReviewChanges(_ changes: [ReviewChange], openings: [ReviewOpenings] = [], run: Int64) throws -> (opened: Int, changed: Int, reopened: Int) {
        guard !changes.isEmpty || !openings.isEmpty else { return (0, 0, 0) }
        return try guarded("保存复核事项") {
            try pool.write { db in try Self.applyReviewChanges(db, changes, openings: openings, run: run) }
        }
    }

    /// `changes` (items bound to new inputs) and `openings` (a run's new items, a segment per policy).
    static func applyReviewChanges(
        _ db: Database, _ changes: [ReviewChange], openings: [ReviewOpenings], run: Int64
    ) throws -> (opened: Int, changed: Int, reopened: Int) {
        guard !changes.isEmpty || !openings.isEmpty else { return (0, 0, 0) }
        let now = Self.timestamp()
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
        var segments = SegmentCache()
        for change in changes {
            let id = change.itemID
            try materialize(id, db, &segments)
            let decided = try Bool.fetchOne(wasDecided, arguments: [id]) ?? false
            try rebind.execute(arguments: [change.inputsSHA256, change.missing.joined(separator: "\n"), change.needsAmount, run, id])
            try event.execute(arguments: [id, now, decided ? "reopened_inputs_changed" : "inputs_changed", run, change.inputsSHA256])
            counts.changed += 1
            if decided { counts.reopened += 1 }
        }
        for group in openings {
            counts.opened += try open(group, run: run, at: now, db)
        }
        return counts
    }

    /// Stores `openings` as a segment; returns how many items it holds. A run beside this one
    /// may have opened some meanwhile: those are left as they are (the first run's segments are
    /// written without looking: there is nothing to look at).
    private static func open(_ openings: ReviewOpenings, run: Int64, at now: String, _ db: Database) throws -> Int {
        guard openings.count > 0 else { return 0 }
        let existing = try ReviewSegment.read(db, policy: openings.policyID)
        let rows = Set(try String.fetchAll(db, sql: "SELECT entity_id FROM review_items WHERE policy_id = ?", arguments: [openings.policyID]))
        let fresh = existing.isEmpty && rows.isEmpty
            ? openings : openings.without { entity in rows.contains(entity) || existing.contains { $0.index(of: entity) != nil } }
        guard fresh.count > 0 else { return 0 }
        try ReviewSegment.insert(fresh, firstItem: try ReviewSegment.nextItemID(db), run: run, at: now, db)
        return fresh.count
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

    /// Item `id` as a row (made one from its segment entry first), for a change to it.
    private static func existingItem(_ id: Int64, _ db: Database) throws -> ReviewItem {
        var segments = SegmentCache(once: true)
        try materialize(id, db, &segments)
        guard let item = try item(id, db) else { throw ReviewError.noSuchItem(id) }
        return item
    }

    /// Item `id`: its row, or else its segment's entry.
    static func item(_ id: Int64, _ db: Database) throws -> ReviewItem? {
        if let row = try Row.fetchOne(db, sql: "SELECT \(Self.reviewColumns) FROM review_items WHERE id = ?", arguments: [id]) {
            return reviewItem(row)
        }
        return try ReviewSegment.holding(id, db).map { $0.item(Int(id - $0.firstItem)) }
    }

    /// The segments a transaction has read, kept for its next look-up (a night rebinds thousands
    /// of items of a few segments: each decoded once).
    /// With `once`, a single look-up: only the segment holding the item is read.
    struct SegmentCache {
        private var loaded: [ReviewSegment]?
        private let once: Bool

        init(once: Bool = false) {
            self.once = once
        }

        mutating func holding(_ id: Int64, _ db: Database) throws -> ReviewSegment? {
            if once { return try ReviewSegment.holding(id, db) }
            if loaded == nil { loaded = try ReviewSegment.read(db) }
            return loaded?.last { $0.firstItem <= id }.flatMap { $0.items.contains(id) ? $0 : nil }
        }
    }

    /// Makes item `id` a row if it is still a segment's entry (nothing if it is a row or none).
    static func materialize(_ id: Int64, _ db: Database, _ segments: inout SegmentCache) throws {
        guard try Int64.fetchOne(db, sql: "SELECT id FROM review_items WHERE id = ?", arguments: [id]) == nil,
              let segment = try segments.holding(id, db) else { return }
        let item = segment.item(Int(id - segment.firstItem))
        try db.execute(
            sql: """
                INSERT INTO review_items (id, policy_id, subject, entity_id, inputs_sha256, missing, needs_amount, status,
                    opened_run, last_run, opened_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
                """,
            arguments: [
                id, item.policyID, item.subject, item.entityID, item.inputsSHA256, item.missing.joined(separator: "\n"), item.needsAmount,
                item.openedRun, item.lastRun, item.openedAt,
            ]
        )
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
            missing: missing.isEmpty ? [] : missing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), needsAmount: row[6],
            status: ReviewItem.Status(rawValue: status) ?? .open, outcome: outcome.flatMap(ReviewItem.Outcome.init(rawValue:)),
            amountFen: row[9], reason: row[10], reviewer: row[11], decidedAt: row[12], openedRun: row[13], lastRun: row[14],
            openedAt: row[15]
        )
    }
}
