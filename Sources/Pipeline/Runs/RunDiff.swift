public import Evaluation

/// `mianshen diff A B`: per policy, who is eligible (granted) in B but not in A, who no longer
/// is, and whose amount changed; entities matched by id (they may have come or gone between
/// the runs).
public enum RunDiff {
    public struct PolicyChange: Sendable {
        public var policyID: String
        public var title: String
        public var subject: String
        public var inA = false
        public var inB = false
        /// Entity id and the amount in B, in 分.
        public var gained: [(id: String, fen: Int64)] = []
        /// Entity id, the amount in A and what the entity is in B (nil: not evaluated in B).
        public var lost: [(id: String, fen: Int64, now: BatchOutcome?)] = []
        public var changed: [(id: String, before: Int64, after: Int64)] = []

        public var isEmpty: Bool { gained.isEmpty && lost.isEmpty && changed.isEmpty }
    }

    public static func compare(_ a: LoadedRun, _ b: LoadedRun, policy: String? = nil) -> [PolicyChange] {
        var ids = Set(a.result.policies.map(\.policyID)).union(b.result.policies.map(\.policyID))
        if let policy { ids = ids.intersection([policy]) }
        return ids.sorted().map { id in
            let before = a.result.policies.first { $0.policyID == id }
            let after = b.result.policies.first { $0.policyID == id }
            var change = PolicyChange(
                policyID: id, title: b.info[id]?.title ?? a.info[id]?.title ?? "", subject: after?.subject ?? before?.subject ?? "居民"
            )
            change.inA = before != nil
            change.inB = after != nil
            walk(before, a.result, after, b.result, into: &change)
            return change
        }
    }

    /// Walks the two populations together (both list their ids in ascending order), so each
    /// list comes out by entity id without a dictionary of every granted entity (at a million
    /// entities those dictionaries were most of `diff`).
    private static func walk(_ before: PolicyBatch?, _ a: BatchResult, _ after: PolicyBatch?, _ b: BatchResult, into change: inout PolicyChange) {
        let old = before.flatMap { a.populations[$0.subject]?.ids } ?? []
        let new = after.flatMap { b.populations[$0.subject]?.ids } ?? []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if j == new.count || (i < old.count && old[i] < new[j]) {
                // Only in A: no longer evaluated.
                if let before, before.outcomes[i] == .eligible { change.lost.append((old[i], before.amountFen[i], nil)) }
                i += 1
            } else if i == old.count || new[j] < old[i] {
                if let after, after.outcomes[j] == .eligible { change.gained.append((new[j], after.amountFen[j])) }
                j += 1
            } else {
                if let before, let after {
                    let was = before.outcomes[i] == .eligible, now = after.outcomes[j] == .eligible
                    if was, now, before.amountFen[i] != after.amountFen[j] {
                        change.changed.append((new[j], before.amountFen[i], after.amountFen[j]))
                    } else if was, !now {
                        change.lost.append((old[i], before.amountFen[i], after.outcomes[j]))
                    } else if !was, now {
                        change.gained.append((new[j], after.amountFen[j]))
                    }
                }
                i += 1
                j += 1
            }
        }
    }
}
