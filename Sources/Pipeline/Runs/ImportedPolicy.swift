internal import Datasets
internal import Evaluation
internal import Foundation

/// One policy of a results file being imported: its subject's population (ids as bytes, in
/// ascending order), what the file said so far per entity, and which header columns carry its
/// conditions.
struct ImportedPolicy {
    let policyID: String
    let idBytes: [UInt8]
    let subject: String
    let ids: IDBytes
    var outcomes: [BatchOutcome]
    var amountFen: [Int64]
    var seen: Bitset
    /// Where the next row is expected (files in contract order need no search).
    var next = 0
    /// Per condition of the policy (`RunPolicyInfo.conditions` order): its header column, if any.
    let columns: [Int?]
    /// Header columns of conditions that are not this policy's (they must be empty on its rows).
    let foreign: [Int]
    /// Every condition but the validity window has a column: the run can explain this policy.
    let explainable: Bool
    var known: [Bitset]
    var truth: [Bitset]

    init(policyID: String, subject: String, ids: [String], conditions: [String], header: [String]) {
        self.policyID = policyID
        idBytes = Array(policyID.utf8)
        self.subject = subject
        self.ids = IDBytes(ids)
        outcomes = [BatchOutcome](repeating: .ineligible, count: ids.count)
        amountFen = [Int64](repeating: 0, count: ids.count)
        seen = Bitset(count: ids.count)
        let extra = Array(header.indices.dropFirst(ResultsImport.contractColumns.count))
        columns = conditions.map { name in extra.first { header[$0] == name } }
        foreign = extra.filter { !conditions.contains(header[$0]) }
        explainable = zip(conditions, columns).allSatisfy { $0.0 == PolicyEvaluation.validityCondition || $0.1 != nil }
        known = conditions.map { _ in Bitset(count: ids.count) }
        truth = conditions.map { _ in Bitset(count: ids.count) }
    }

    /// The position of an id in the population, or nil.
    mutating func locate(_ id: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = ids.count
        return ids.bytes.withUnsafeBufferPointer { all -> Int? in
            func compare(_ index: Int) -> Int32 {
                let range = ids.range(index)
                let common = min(range.count, id.count)
                if common > 0, let a = all.baseAddress, let b = id.baseAddress {
                    let c = memcmp(a + range.lowerBound, b, common)
                    if c != 0 { return c }
                }
                return range.count == id.count ? 0 : (range.count < id.count ? -1 : 1)
            }
            if next < n, compare(next) == 0 { return next }
            var low = 0, high = n
            while low < high {
                let mid = (low + high) / 2
                if compare(mid) < 0 { low = mid + 1 } else { high = mid }
            }
            return low < n && compare(low) == 0 ? low : nil
        }
    }

    /// The decided batch: condition bits from the columns (the validity window holds on the
    /// as-of date: the policy was selected for it), all unknown without them.
    func batch(conditionNames: [String]) -> PolicyBatch {
        var known = known, truth = truth
        for (position, name) in conditionNames.enumerated() where columns[position] == nil && name == PolicyEvaluation.validityCondition {
            known[position] = Bitset(count: ids.count, filled: true)
            truth[position] = Bitset(count: ids.count, filled: true)
        }
        var amountKnown = Bitset(count: ids.count, filled: true)
        if explainable {
            // An unknown whose every condition holds could not compute its amount (as the engine records it).
            for entity in outcomes.indices where outcomes[entity] == .unknown {
                if known.indices.allSatisfy({ truth[$0][entity] }) { amountKnown[entity] = false }
            }
        }
        let conditions = conditionNames.enumerated().map { ConditionBits(name: $1, known: known[$0], truth: truth[$0]) }
        return PolicyBatch(
            policyID: policyID, subject: subject, outcomes: outcomes, amountFen: amountFen, conditions: conditions,
            amountKnown: amountKnown
        )
    }

    /// The first entity without a row, and how many lack one.
    var missing: (first: Int, count: Int)? {
        let count = ids.count - seen.cardinality
        guard count > 0, let first = outcomes.indices.first(where: { !seen[$0] }) else { return nil }
        return (first, count)
    }
}
