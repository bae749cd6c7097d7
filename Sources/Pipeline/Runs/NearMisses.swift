public import Evaluation

/// 差一项 over a stored policy batch: ineligible, every 前提 (and the validity window) holds,
/// exactly one other condition is false (others may be undecided), as `rules try` counts it.
public enum NearMisses {
    /// `premises[i]` tells whether condition i is a 前提 (the validity window is one).
    public static func find(_ batch: PolicyBatch, premises: [Bool]) -> [(entity: Int, condition: Int)] {
        var out: [(Int, Int)] = []
        for entity in batch.outcomes.indices where batch.outcomes[entity] == .ineligible {
            var failed: Int?
            var failures = 0
            var inScope = true
            for (position, bits) in batch.conditions.enumerated() {
                let value = bits.value(at: entity)
                let premise = position < premises.count && premises[position]
                if premise {
                    if value != .yes { inScope = false; break }
                } else if value == .no {
                    failures += 1
                    failed = position
                }
            }
            if inScope, failures == 1, let failed { out.append((entity, failed)) }
        }
        return out
    }
}
