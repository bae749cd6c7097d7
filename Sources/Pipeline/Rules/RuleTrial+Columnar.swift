public import Datasets
internal import Evaluation
internal import Foundation
public import RuleLanguage
public import Store

/// `rules try` on the columnar engine: the same report as `RuleTrial.run` (the same tallies,
/// 互斥组 applied the same way), from the engine's outcomes and condition bitsets instead of an
/// evaluation per entity.
extension RuleTrial {
    public static func runColumnar(entries: [CatalogEntry], program: Program, store: ProfileStore, asOf: Day) throws -> Report {
        let policies = entries.map(\.policy)
        let columns = try store.loadColumns(ColumnarEngine.columnRequest(program: program, policies: policies))
        let result = ColumnarEngine(program: program).evaluate(policies: policies, columns: columns, asOf: asOf)
        let granted = grantedByGroups(policies, result)
        var tallies: [Tally] = []
        for (index, entry) in entries.enumerated() {
            var tally = Tally(
                id: entry.policy.id, title: entry.policy.title, subject: entry.policy.subject ?? "居民",
                mode: entry.policy.mode ?? "", period: entry.policy.period, budget: entry.policy.budget, status: entry.status,
                group: entry.policy.exclusive?.group, nearMisses: entry.policy.reportsNearMisses ? 0 : nil
            )
            tally.add(result.policies[index], entry.policy, granted: granted[index], asOf: asOf)
            tallies.append(tally)
        }
        let scanned = result.populations.mapValues(\.count)
        return Report(asOf: asOf, tallies: tallies, scanned: scanned)
    }

    /// Per policy, per entity: eligible and granted (outside any 互斥组, or its group's winner for
    /// that entity), decided by `BatchDecisions` — the same decision `mianshen run` takes.
    static func grantedByGroups(_ policies: [CompiledPolicy], _ result: BatchResult) -> [[Bool]] {
        var decided = result
        BatchDecisions.applyExclusiveGroups(&decided, policies: policies)
        return decided.policies.map { batch in batch.outcomes.map { $0 == .eligible } }
    }
}

extension RuleTrial.Tally {
    /// Counts a whole population at once, as `add(_:granted:)` does entity by entity.
    mutating func add(_ batch: PolicyBatch, _ policy: CompiledPolicy, granted: [Bool], asOf: Day) {
        var grantedFen: Int64 = 0, excludedFen: Int64 = 0
        for (row, outcome) in batch.outcomes.enumerated() {
            evaluated += 1
            switch outcome {
            case .eligible where granted[row]:
                self.granted += 1
                grantedFen += batch.amountFen[row]
            case .eligible, .excluded, .overBudget:
                excluded += 1
                excludedFen += batch.amountFen[row]
            case .ineligible: ineligible += 1
            case .unknown: manualReview += 1
            }
        }
        total += Decimal(grantedFen) / 100
        excludedTotal += Decimal(excludedFen) / 100
        var premises: [Bool] = []
        if let validity = policy.validity {
            labels.append("在政策有效期内（\(validity.from) 至 \(validity.to)）")
            premises.append(true)
        }
        labels += policy.conditions.map(\.label)
        premises += policy.conditions.map(\.premise)
        labels.append("计算金额所需的数据齐全")
        failingAt = Array(repeating: 0, count: labels.count)
        undecidedAt = Array(repeating: 0, count: labels.count)
        let count = batch.outcomes.count
        for (position, condition) in batch.conditions.enumerated() {
            let known = condition.known.cardinality
            failingAt[position] = known - condition.truth.cardinality
            undecidedAt[position] = count - known
        }
        undecidedAt[labels.count - 1] = count - batch.amountKnown.cardinality
        guard nearMisses != nil else { return }
        // Every premise holds and exactly one other condition fails: word by word.
        var near = 0
        for w in 0..<((count + 63) / 64) {
            var holds = ~UInt64(0), one: UInt64 = 0, two: UInt64 = 0
            for (position, condition) in batch.conditions.enumerated() {
                let failed = condition.known.words[w] & ~condition.truth.words[w]
                if premises[position] {
                    holds &= condition.truth.words[w]
                } else {
                    two |= one & failed
                    one |= failed
                }
            }
            near += (holds & one & ~two).nonzeroBitCount
        }
        nearMisses = near
    }
}
