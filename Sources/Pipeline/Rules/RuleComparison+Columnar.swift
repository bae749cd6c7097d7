public import Datasets
internal import Evaluation
internal import Foundation
internal import RuleLanguage
public import Store

/// `rules try --against` on the columnar engine: both versions evaluated over the same loaded
/// columns (one population per subject, so entity `i` is the same on both sides), compared per
/// entity as `RuleComparison.run` does.
extension RuleComparison {
    public static func runColumnar(current: Version, baseline: Version, store: ProfileStore, asOf: Day) throws -> (rows: [Row], scanned: [String: Int]) {
        let versions = [current, baseline]
        var request = ColumnRequest(subjects: [], fields: [:])
        for version in versions {
            let own = ColumnarEngine.columnRequest(program: version.program, policies: version.entries.map(\.policy))
            request.subjects.formUnion(own.subjects)
            request.fields.merge(own.fields) { $0.union($1) }
        }
        let columns = try store.loadColumns(request)
        var ids: [String] = current.entries.map(\.policy.id)
        for entry in baseline.entries where !ids.contains(entry.policy.id) { ids.append(entry.policy.id) }
        ids.sort()
        var rows = ids.map { Row(id: $0, title: "") }
        var scanned: [String: Int] = [:]
        // Per side, per policy id: the batch and, per entity, whether it is granted.
        var sides: [[String: (batch: PolicyBatch, granted: [Bool])]] = []
        for version in versions {
            let policies = version.entries.map(\.policy)
            let result = ColumnarEngine(program: version.program).evaluate(policies: policies, columns: columns, asOf: asOf)
            let granted = RuleTrial.grantedByGroups(policies, result)
            for (subject, population) in result.populations { scanned[subject] = population.count }
            var side: [String: (batch: PolicyBatch, granted: [Bool])] = [:]
            for (index, batch) in result.policies.enumerated() { side[batch.policyID] = (batch, granted[index]) }
            sides.append(side)
            for policy in policies {
                guard let row = ids.firstIndex(of: policy.id), rows[row].title.isEmpty else { continue }
                rows[row].title = policy.title
            }
        }
        for row in rows.indices {
            let now = sides[0][rows[row].id], before = sides[1][rows[row].id]
            rows[row].inCurrent = now != nil
            rows[row].inBaseline = before != nil
            let count = max(now?.granted.count ?? 0, before?.granted.count ?? 0)
            var nowFen: Int64 = 0, beforeFen: Int64 = 0
            for entity in 0..<count {
                let isNow = now.map { $0.granted.indices.contains(entity) && $0.granted[entity] } ?? false
                let wasBefore = before.map { $0.granted.indices.contains(entity) && $0.granted[entity] } ?? false
                if isNow, let now { rows[row].eligibleNow += 1; nowFen += now.batch.amountFen[entity] }
                if wasBefore, let before { rows[row].eligibleBefore += 1; beforeFen += before.batch.amountFen[entity] }
                if isNow, !wasBefore { rows[row].gained += 1 }
                if !isNow, wasBefore { rows[row].lost += 1 }
            }
            rows[row].totalNow = Decimal(nowFen) / 100
            rows[row].totalBefore = Decimal(beforeFen) / 100
        }
        return (rows, scanned)
    }
}
