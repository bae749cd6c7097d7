import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// The `--wide` columns of `results`: policy name, payee id, street, the conditions that failed
/// the fields the undecided conditions (or the amount) read, and the manual review item with its
/// reviewer.
struct ResultsWide {
    var run: LoadedRun
    var directory: EntityDirectory?
    var divisions: DivisionCatalog
    /// By policy id, then entity id.
    var reviews: [String: [String: ReviewItem]] = [:]
    /// The entities' current values (nil after an import since the run: every field read is listed).
    var present: PresentFields?

    func columns(_ row: ResultsExport.Row) -> [String] {
        let info = run.info[row.policyID]
        let (failed, missing) = run.reasons(policy: row.policy, entity: row.entity, present: present)
        let street = directory?.division[row.entityID].map(divisions.label(of:)) ?? ""
        // An item shows where its decision stands in for the engine's unknown, not where the
        // data now let the engine decide by itself (the item waits, unused, in `review list`).
        let item = run.engineDecided(policy: row.policy, entity: row.entity) ? nil : reviews[row.policyID]?[row.entityID]
        let review = item.map(ReviewText.summary) ?? ""
        return [info?.title ?? "", payee(row, info), street, failed.joined(separator: "；"), missing.joined(separator: "；"), review]
    }

    /// 本人: the entity itself; 户主 and 监护人: the member standing for the household (the data
    /// have no guardian of their own, so the household's 户主 receives for a minor).
    /// The review items of `policies` (all when empty), by policy then entity.
    static func reviews(_ store: ProfileStore, policies: [String]) throws -> [String: [String: ReviewItem]] {
        let items = policies.isEmpty ? try store.reviewItems() : try Set(policies).flatMap { try store.reviewItems(policy: $0) }
        var out: [String: [String: ReviewItem]] = [:]
        for item in items { out[item.policyID, default: [:]][item.entityID] = item }
        return out
    }

    private func payee(_ row: ResultsExport.Row, _ info: RunPolicyInfo?) -> String {
        guard let payee = info?.payee, payee != "本人", info?.subject != "企业" else { return row.entityID }
        if info?.subject == "家庭" { return directory?.head[row.entityID] ?? row.entityID }
        guard let household = directory?.household[row.entityID] else { return row.entityID }
        return directory?.head[household] ?? row.entityID
    }
}
