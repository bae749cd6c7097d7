import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// The `--wide` columns of `results`: policy name, payee id, street, the conditions that failed
/// and the fields the undecided conditions (or the amount) read.
struct ResultsWide {
    var run: LoadedRun
    var directory: EntityDirectory?
    var divisions: DivisionCatalog

    func columns(_ row: ResultsExport.Row) -> [String] {
        let info = run.info[row.policyID]
        let (failed, missing) = run.reasons(policy: row.policy, entity: row.entity)
        let street = directory?.division[row.entityID].map(divisions.label(of:)) ?? ""
        return [info?.title ?? "", payee(row, info), street, failed.joined(separator: "；"), missing.joined(separator: "；")]
    }

    /// 本人: the entity itself; 户主 and 监护人: the member standing for the household (the data
    /// have no guardian of their own, so the household's 户主 receives for a minor).
    private func payee(_ row: ResultsExport.Row, _ info: RunPolicyInfo?) -> String {
        guard let payee = info?.payee, payee != "本人", info?.subject != "企业" else { return row.entityID }
        if info?.subject == "家庭" { return directory?.head[row.entityID] ?? row.entityID }
        guard let household = directory?.household[row.entityID] else { return row.entityID }
        return directory?.head[household] ?? row.entityID
    }
}
