public import Evaluation

extension ResultsExport {
    /// How many rows `rows` / `csv` give with the same filters, from the outcomes alone (the
    /// audit log's scope of an export; a pass over one byte per row, not over the CSV text).
    public static func count(
        _ result: BatchResult, all: Bool, policies wanted: Set<String>? = nil, outcomes: Set<BatchOutcome>? = nil
    ) -> Int {
        var total = 0
        for batch in result.policies {
            if let wanted, !wanted.contains(batch.policyID) { continue }
            var histogram = [Int](repeating: 0, count: 256)
            for outcome in batch.outcomes { histogram[Int(outcome.rawValue)] += 1 }
            for outcome in BatchOutcome.allCases where (all || outcome != .ineligible) && (outcomes?.contains(outcome) ?? true) {
                total += histogram[Int(outcome.rawValue)]
            }
        }
        return total
    }
}
