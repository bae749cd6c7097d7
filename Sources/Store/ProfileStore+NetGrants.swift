internal import GRDB

/// One grant of the ledger with the net of its entries (what `mianshen export` writes as
/// grants_held, for the budgets of `rules sql`).
public struct NetGrant: Sendable, Equatable {
    public var policyID: String
    public var period: String
    public var entityID: String
    public var netFen: Int64
}

extension ProfileStore {
    /// Every grant of the ledger, by policy, period and entity (bytes), with its net amount in 分
    /// (发放 + 补发 − 追回), handed to `body` one at a time.
    public func netGrants(_ body: (NetGrant) throws -> Void) throws {
        try guarded("读取发放台账") {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT g.policy_id, g.period, g.entity_id,
                        (SELECT COALESCE(SUM(e.amount_fen), 0) FROM grant_entries e WHERE e.grant_id = g.id)
                    FROM grants g ORDER BY g.policy_id, g.period, g.entity_id
                    """)
                while let row = try rows.next() {
                    try body(NetGrant(policyID: row[0], period: row[1], entityID: row[2], netFen: row[3]))
                }
            }
        }
    }
}
