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
            let old = granted(before, a.result)
            let new = granted(after, b.result)
            let outcomeNow = outcomes(after, b.result)
            for (entity, fen) in new.sorted(by: { $0.key < $1.key }) {
                if let previous = old[entity] {
                    if previous != fen { change.changed.append((entity, previous, fen)) }
                } else {
                    change.gained.append((entity, fen))
                }
            }
            for (entity, fen) in old.sorted(by: { $0.key < $1.key }) where new[entity] == nil {
                change.lost.append((entity, fen, outcomeNow[entity]))
            }
            return change
        }
    }

    /// Entity id → amount, for the entities eligible (granted) under the policy.
    private static func granted(_ batch: PolicyBatch?, _ result: BatchResult) -> [String: Int64] {
        guard let batch, let ids = result.populations[batch.subject]?.ids else { return [:] }
        var out: [String: Int64] = [:]
        for (entity, outcome) in batch.outcomes.enumerated() where outcome == .eligible { out[ids[entity]] = batch.amountFen[entity] }
        return out
    }

    private static func outcomes(_ batch: PolicyBatch?, _ result: BatchResult) -> [String: BatchOutcome] {
        guard let batch, let ids = result.populations[batch.subject]?.ids else { return [:] }
        return Dictionary(zip(ids, batch.outcomes), uniquingKeysWith: { a, _ in a })
    }
}
