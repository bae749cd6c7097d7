public import Diagnostics
internal import GRDB

/// A review flag on a grant: its holder stopped being eligible within an open period.
public struct GrantFlag: Sendable {
    public var id: Int64
    /// The grant's 受益编号.
    public var grantNumber: String
    public var policyID: String
    public var entityID: String
    public var period: String
    public var periodLabel: String
    /// The outcome that raised it (ineligible, unknown, excluded, over_budget, absent).
    public var outcome: String
    public var runID: Int64
    public var createdAt: String
    /// open or closed.
    public var status: String
    public var closedAt: String?
    /// The operator who closed it (nil when a run resolved it).
    public var closedBy: String?
    public var reason: String?
    /// The run that found the holder eligible again and so resolved it.
    public var resolvedRunID: Int64?
}

/// A grant command that cannot be done as asked (unknown flag, wrong state, an older run).
public struct GrantLedgerError: CategorizedError, CustomStringConvertible, Sendable {
    public var message: String
    public var category: ErrorCategory { .usage }

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension ProfileStore {
    /// Review flags, open ones only unless `all`, by period, policy and entity.
    public func grantFlags(all: Bool = false, policyID: String? = nil) throws -> [GrantFlag] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if !all { clauses.append("f.status = 'open'") }
        if let policyID {
            clauses.append("g.policy_id = ?")
            arguments.append(policyID)
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try guarded("读取待复核标记") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "\(Self.flagSelect) \(filter) ORDER BY g.period, g.policy_id, g.entity_id, f.id",
                                 arguments: StatementArguments(arguments)).map(Self.flag)
            }
        }
    }

    /// Closes an open flag by hand (the office looked at it: 已核实、无需追回, …). The flag keeps
    /// its history; closing twice, or a flag that does not exist, is refused.
    public func closeGrantFlag(_ id: Int64, reason: String, operator name: String) throws -> GrantFlag {
        let now = Self.timestamp()
        return try guarded("关闭待复核标记") {
            try pool.write { db in
                guard let flag = try Row.fetchOne(db, sql: "\(Self.flagSelect) WHERE f.id = ?", arguments: [id]).map(Self.flag) else {
                    throw GrantLedgerError("没有编号为 \(id) 的待复核标记（grants flags list --all 列出全部）。")
                }
                guard flag.status == "open" else {
                    let by = flag.closedBy.map { "由 \($0) 关闭" } ?? flag.resolvedRunID.map { "运行 \($0) 再次符合条件，已自动解除" } ?? "已关闭"
                    throw GrantLedgerError("待复核标记 \(id) 已于 \(flag.closedAt ?? "") \(by)，无需再关闭。")
                }
                try db.execute(
                    sql: "UPDATE grant_flags SET status = 'closed', closed_at = ?, closed_by = ?, reason = ? WHERE id = ?",
                    arguments: [now, name, reason, id]
                )
                return try Row.fetchOne(db, sql: "\(Self.flagSelect) WHERE f.id = ?", arguments: [id]).map(Self.flag) ?? flag
            }
        }
    }

    /// The entities of one policy and period whose grant has a flag no run has since found
    /// eligible: open, or closed by a person (who decided about that ineligibility, so it is not
    /// raised again until the holder has been eligible in between).
    public func flaggedEntities(policyID: String, period: String) throws -> Set<String> {
        try guarded("读取待复核标记") {
            try pool.read { db in
                Set(try String.fetchAll(db, sql: """
                    SELECT g.entity_id FROM grant_flags f JOIN grants g ON g.id = f.grant_id
                    WHERE g.policy_id = ? AND g.period = ? AND f.resolved_run_id IS NULL
                    """, arguments: [policyID, period]))
            }
        }
    }

    /// In a posting's transaction: refuses a run older than the latest run posted for one of its
    /// (policy, period) — posting it would adjust amounts back to older data — then records it.
    static func recordPosts(_ periods: [PostedPeriod], runID: Int64, at now: String, _ db: Database) throws {
        let latest = try db.makeStatement(sql: "SELECT MAX(run_id) FROM grant_posts WHERE policy_id = ? AND period = ?")
        for p in periods {
            if let newer = try Int64.fetchOne(latest, arguments: [p.policyID, p.period]), newer > runID {
                throw GrantLedgerError(
                    "运行 \(runID) 早于已记账的运行 \(newer)（政策 \(p.policyID)，受益期 \(p.periodLabel)）：记入台账会把金额按旧数据调回，"
                        + "已拒绝，台账未改动。要记账请用最新的运行（grants post --run \(newer) 或更新的运行）。"
                )
            }
        }
        let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO grant_posts (policy_id, period, run_id, posted_at) VALUES (?, ?, ?, ?)")
        for p in periods { try insert.execute(arguments: [p.policyID, p.period, runID, now]) }
    }

    /// In a posting's transaction: the run finds these holders eligible again. Their open flags
    /// close as resolved by the run (counted); flags a person closed get the run too, so that a
    /// later loss of eligibility raises a new flag.
    static func resolveFlags(_ cleared: [GrantFlagging], runID: Int64?, at now: String, _ db: Database) throws -> Int {
        let grant = "grant_id = (SELECT id FROM grants WHERE policy_id = ? AND entity_id = ? AND period = ?)"
        let resolve = try db.makeStatement(sql: """
            UPDATE grant_flags SET status = 'closed', closed_at = ?, resolved_run_id = ?, reason = '再次符合条件'
            WHERE status = 'open' AND \(grant)
            """)
        let rearm = try db.makeStatement(sql: "UPDATE grant_flags SET resolved_run_id = ? WHERE resolved_run_id IS NULL AND \(grant)")
        var count = 0
        for c in cleared {
            try resolve.execute(arguments: [now, runID ?? 0, c.policyID, c.entityID, c.period])
            count += db.changesCount
            try rearm.execute(arguments: [runID ?? 0, c.policyID, c.entityID, c.period])
        }
        return count
    }

    private static let flagSelect = """
        SELECT f.id, g.number, g.policy_id, g.entity_id, g.period, g.period_label, f.outcome, f.run_id, f.created_at, f.status,
            f.closed_at, f.closed_by, f.reason, f.resolved_run_id
        FROM grant_flags f JOIN grants g ON g.id = f.grant_id
        """

    private static func flag(_ row: Row) -> GrantFlag {
        GrantFlag(
            id: row[0], grantNumber: row[1], policyID: row[2], entityID: row[3], period: row[4], periodLabel: row[5], outcome: row[6],
            runID: row[7], createdAt: row[8], status: row[9], closedAt: row[10], closedBy: row[11], reason: row[12], resolvedRunID: row[13]
        )
    }
}
