public import Datasets
internal import Evaluation
internal import Foundation
public import RuleLanguage
public import Store

/// `rules try --against DIR`: "what changes if I publish this edit". Evaluates the current rules
/// and another version of them (a copy, or a checkout of what is published) on the same profiles
/// and date in one pass, and counts per policy who newly qualifies, who no longer does, and how
/// the amount moves.
public enum RuleComparison {
    /// One version of the rules: its compiled policies.
    public struct Version: Sendable {
        public var entries: [CatalogEntry]
        public var program: Program

        public init(entries: [CatalogEntry], program: Program) {
            self.entries = entries
            self.program = program
        }
    }

    public struct Row: Sendable {
        public var id: String
        public var title: String
        /// False when the policy exists in only one of the two versions.
        public var inCurrent = false
        public var inBaseline = false
        public var eligibleNow = 0
        public var eligibleBefore = 0
        /// Granted now but not before, and the other way round (互斥组 applied on each side).
        public var gained = 0
        public var lost = 0
        var totalNow = Decimal(0)
        var totalBefore = Decimal(0)

        public var totalNowText: String { ReferenceEvaluator.yuan(totalNow) }
        public var totalBeforeText: String { ReferenceEvaluator.yuan(totalBefore) }
        public var changeText: String {
            let change = totalNow - totalBefore
            return (change > 0 ? "+" : "") + ReferenceEvaluator.yuan(change)
        }
    }

    public static func run(
        current: Version, baseline: Version, store: ProfileStore, asOf: Day,
        progress: ((String, Int) -> Void)? = nil
    ) throws -> (rows: [Row], scanned: [String: Int]) {
        var ids: [String] = current.entries.map(\.policy.id)
        for entry in baseline.entries where !ids.contains(entry.policy.id) { ids.append(entry.policy.id) }
        ids.sort()
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var rows = ids.map { Row(id: $0, title: "") }
        let sides = [current, baseline].map { version in
            let policies = version.entries.map(\.policy)
            for policy in policies {
                guard let row = position[policy.id] else { continue }
                rows[row].title = rows[row].title.isEmpty ? policy.title : rows[row].title
            }
            return (
                evaluator: ReferenceEvaluator(program: version.program), policies: policies,
                bySubject: Dictionary(grouping: policies.indices) { policies[$0].subject ?? "居民" },
                // Policy index → row, so the per-entity loop does no look-up by id.
                rowOf: policies.map { position[$0.id] ?? 0 }
            )
        }
        for policy in current.entries.map(\.policy) { if let row = position[policy.id] { rows[row].inCurrent = true } }
        for policy in baseline.entries.map(\.policy) { if let row = position[policy.id] { rows[row].inBaseline = true } }

        let subjects = Set(sides.flatMap(\.bySubject.keys))
        // Per entity: the amount granted under each version, by row (nil: not granted).
        var granted = [[Decimal?]](repeating: [Decimal?](repeating: nil, count: ids.count), count: 2)
        let scanned = try RuleTrial.forEachEntity(subjects: subjects, store: store, progress: progress) { subject, facts in
            for side in 0..<2 {
                for index in granted[side].indices { granted[side][index] = nil }
                let (evaluator, policies, bySubject, rowOf) = sides[side]
                for (index, result, isGranted) in RuleTrial.decide(evaluator, policies, bySubject[subject] ?? [], facts, asOf)
                where isGranted && result.outcome == .eligible {
                    granted[side][rowOf[index]] = result.amountValue ?? 0
                }
            }
            for row in rows.indices {
                let now = granted[0][row], before = granted[1][row]
                if let now { rows[row].eligibleNow += 1; rows[row].totalNow += now }
                if let before { rows[row].eligibleBefore += 1; rows[row].totalBefore += before }
                if now != nil, before == nil { rows[row].gained += 1 }
                if now == nil, before != nil { rows[row].lost += 1 }
            }
        }
        return (rows, scanned)
    }
}
