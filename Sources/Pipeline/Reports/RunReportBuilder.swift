internal import Evaluation
public import Outputs
public import Store
internal import Datasets

/// `mianshen report`: reads a stored run, the run before it and the store, and hands Outputs
/// the figures of the analyst's report (Outputs renders them; it never reads the store).
public enum RunReportBuilder {
    public static func build(_ run: LoadedRun, store: ProfileStore) throws -> RunReport {
        let r = run.record
        return RunReport(
            header: .init(
                runID: r.id, asOf: r.asOf, engine: r.engine, finishedAt: r.finishedAt, includeDrafts: r.includeDrafts,
                rulesSHA256: r.rulesSHA256, resultsSHA256: r.resultsSHA256
            ),
            populations: run.result.populations.mapValues(\.count),
            policies: policies(run),
            streets: try streets(run, store: store),
            industries: try industries(run, store: store),
            comparison: try comparison(run, store: store),
            quality: try quality(run, store: store)
        )
    }

    /// Per policy, in id order: the counts the run stored (the results table's) and the amount granted.
    static func policies(_ run: LoadedRun) -> [PolicyFigures] {
        run.record.policies.sorted { $0.policyID < $1.policyID }.map { policy in
            let info = run.info[policy.policyID]
            var figures = PolicyFigures(
                id: policy.policyID, title: policy.title, subject: policy.subject, mode: info?.mode, period: info?.period,
                grantsMoney: grantsMoney(info), budgetFen: info?.budget.flatMap(BatchDecisions.budgetFen)
            )
            let c = policy.counts
            figures.eligible = c[BatchOutcome.eligible.code] ?? 0
            figures.ineligible = c[BatchOutcome.ineligible.code] ?? 0
            figures.unknown = c[BatchOutcome.unknown.code] ?? 0
            figures.excluded = c[BatchOutcome.excluded.code] ?? 0
            figures.overBudget = c[BatchOutcome.overBudget.code] ?? 0
            figures.eligibleFen = policy.amountsFen[BatchOutcome.eligible.code] ?? 0
            return figures
        }
    }

    /// 提醒 policies remind; they grant no money.
    static func grantsMoney(_ info: RunPolicyInfo?) -> Bool {
        info?.mode != "提醒"
    }

    /// Against the latest run stored before this one, as `mianshen diff` counts.
    static func comparison(_ run: LoadedRun, store: ProfileStore) throws -> Comparison? {
        guard let previousID = try store.runs().map(\.id).filter({ $0 < run.record.id }).max(),
              let previous = try BatchRun.load(store: store, id: previousID) else { return nil }
        let lines = RunDiff.compare(previous, run).map { change in
            Comparison.Line(
                policyID: change.policyID, title: change.title, inPrevious: change.inA, inCurrent: change.inB,
                newlyEligible: change.gained.count, noLongerEligible: change.lost.count, amountChanged: change.changed.count
            )
        }
        return Comparison(previousRunID: previousID, previousAsOf: previous.record.asOf, lines: lines)
    }
}
