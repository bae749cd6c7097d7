internal import Datasets
internal import Evaluation
internal import Foundation
internal import Outputs
internal import RuleLanguage
public import Store

/// The grants ledger seen from a run: what it already granted in the run's benefit period (for
/// budgets), and what a run of published policies posts to it. The period is the applications'
/// `BenefitPeriod` (周期 + the run's as-of date), so a grant and an application of the same
/// benefit share their number.
public enum GrantLedger {
    public static let directMode = "直接兑现"

    /// Per policy with a 预算: the ledger's grants in the run's period, aligned to the population.
    static func granted(_ policies: [CompiledPolicy], _ result: BatchResult, _ store: ProfileStore) throws -> [String: BatchDecisions.Granted] {
        var out: [String: BatchDecisions.Granted] = [:]
        for policy in policies where policy.budget != nil {
            let period = BenefitPeriod(cycle: policy.period, asOf: result.asOf)
            guard let ids = result.populations[policy.subject ?? "居民"]?.ids else { continue }
            let held = try store.heldGrants(policyID: policy.id, period: period.code, alignedTo: ids)
            guard held.count > 0 else { continue }
            out[policy.id] = BatchDecisions.Granted(totalFen: held.totalFen, held: held.net)
        }
        return out
    }

    /// Posts a run's 直接兑现 grants: every eligible (entity, policy) for the policy's period, an
    /// adjustment where the amount changed, a review flag for a holder no longer eligible, and
    /// the open flag of a holder eligible again resolved. A run with drafts (a trial) never posts;
    /// a run older than one already posted for the same period is refused (`GrantLedgerError`).
    public static func post(run: LoadedRun, store: ProfileStore) throws -> PostingSummary {
        guard !run.record.includeDrafts else { return PostingSummary() }
        let plan = try plan(run: run, store: store)
        return plan.completing(try store.postGrants(plan.postings, runID: run.record.id))
    }

    /// What posting `run` writes (the store writes it: alone, or with the run in one transaction),
    /// and what it leaves alone.
    struct Plan {
        var postings: GrantPostings
        var unchanged: Int
        var missingPayees: [String]

        /// The store's summary with what the plan already knew.
        func completing(_ written: PostingSummary) -> PostingSummary {
            var summary = written
            summary.unchanged += unchanged
            summary.withoutPayee = missingPayees
            return summary
        }
    }

    static func plan(run: LoadedRun, store: ProfileStore) throws -> Plan {
        var postings: [GrantPosting] = []
        var flags: [GrantFlagging] = []
        var cleared: [GrantFlagging] = []
        var periods: [PostedPeriod] = []
        var unchanged = 0
        var missingPayees: [String] = []
        for batch in run.result.policies {
            guard let info = run.info[batch.policyID], info.mode == directMode,
                  let ids = run.result.populations[batch.subject]?.ids else { continue }
            let period = BenefitPeriod(cycle: info.period, asOf: run.result.asOf)
            // Read once: a rerun finds most grants unchanged and builds nothing for them.
            let held = try store.heldGrants(policyID: batch.policyID, period: period.code, alignedTo: ids)
            let flagged = try store.flaggedEntities(policyID: batch.policyID, period: period.code)
            periods.append(PostedPeriod(policyID: batch.policyID, period: period.code, periodLabel: period.label))
            var changed: [Int] = []
            var anyNew = false
            for (entity, outcome) in batch.outcomes.enumerated() where outcome == .eligible && entity < ids.count {
                if !flagged.isEmpty, flagged.contains(ids[entity]) {
                    cleared.append(GrantFlagging(policyID: batch.policyID, entityID: ids[entity], period: period.code, outcome: outcome.code))
                }
                let amount = held.net[entity]
                if amount == batch.amountFen[entity] {
                    unchanged += 1
                } else {
                    changed.append(entity)
                    anyNew = anyNew || amount == nil
                }
            }
            // The payee matters only for a new grant (an adjustment keeps the grant's payee).
            let payees = anyNew ? try Self.payees(batch, info, ids, store) : nil
            for entity in changed {
                let id = ids[entity]
                // A new grant paid to 户主 / 监护人 whose payee the data does not give is not posted
                // to the entity itself (a child, say): it is listed for the office to resolve.
                if let payees, payees[entity] == nil, held.net[entity] == nil {
                    missingPayees.append("\(batch.policyID) \(id)")
                    continue
                }
                let benefit = Self.benefit(policyID: batch.policyID, title: info.title, entityID: id, period: period, payeeID: payees?[entity] ?? id)
                postings.append(GrantPosting(benefit: benefit, source: directMode, amountFen: batch.amountFen[entity]))
            }
            // Holders no longer eligible (or gone from the population) are flagged for review.
            for (entity, amount) in held.net.enumerated() where (amount ?? 0) > 0 && entity < batch.outcomes.count && batch.outcomes[entity] != .eligible {
                flags.append(GrantFlagging(policyID: batch.policyID, entityID: ids[entity], period: period.code, outcome: batch.outcomes[entity].code))
            }
            for other in held.others where other.netFen > 0 {
                flags.append(GrantFlagging(policyID: batch.policyID, entityID: other.entityID, period: period.code, outcome: "absent"))
            }
        }
        return Plan(
            postings: GrantPostings(postings: postings, flags: flags, cleared: cleared, periods: periods), unchanged: unchanged,
            missingPayees: missingPayees
        )
    }

    /// The benefit of (policy, entity, period): its number is the application number.
    static func benefit(policyID: String, title: String, entityID: String, period: BenefitPeriod, payeeID: String) -> Benefit {
        Benefit(
            number: ApplicationNumber.make(policyID: policyID, entityID: entityID, period: period), policyID: policyID, policyTitle: title,
            entityID: entityID, period: period.code, periodLabel: period.label, payeeID: payeeID
        )
    }

    /// The payee of each entity when it is not the entity itself (nil: 本人, and firms): 户主 /
    /// 监护人 is the member standing for the household, as `results --wide` and the applications
    /// name it (the data record no guardian). Read aligned to the population, without a
    /// dictionary of every resident (`directory()` was 4.5 s of posting a 1 M run).
    static func payees(_ batch: PolicyBatch, _ info: RunPolicyInfo, _ ids: [String], _ store: ProfileStore) throws -> [String?]? {
        guard let payee = info.payee, payee != "本人", info.subject != "企业" else { return nil }
        let key = store.schemas[.residents].key.name
        if info.subject == "家庭" {
            return try store.fieldValues(.residents, field: key, unit: .householdHead, alignedTo: ids).map(text)
        }
        let households = try store.fieldValues(.residents, field: "household_id", alignedTo: ids).map(text)
        let wanted = Set(batch.outcomes.indices.filter { batch.outcomes[$0] == .eligible }.compactMap { households[$0] }).sorted()
        let heads = try store.fieldValues(.residents, field: key, unit: .householdHead, alignedTo: wanted).map(text)
        let head = Dictionary(zip(wanted, heads), uniquingKeysWith: { first, _ in first })
        return households.map { $0.flatMap { head[$0] ?? nil } }
    }

    private static func text(_ value: FieldValue?) -> String? {
        if case .text(let text)? = value { return text }
        return nil
    }

    /// `2026-12` → 202612, `2026` → 2026, `一次性` / `ONCE` → ONCE; nil for anything else.
    public static func periodCode(_ text: String) -> String? {
        if text == "一次性" || text.uppercased() == "ONCE" { return "ONCE" }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }), parts[0].count == 4 else { return nil }
        if parts.count == 1 { return String(parts[0]) }
        guard parts.count == 2, parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        return String(parts[0]) + String(parts[1])
    }
}
