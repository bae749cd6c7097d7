public import Datasets
internal import Evaluation
internal import Foundation
public import RuleLanguage
public import Store

/// `mianshen results import`: results computed elsewhere (the SQL of `rules sql` run where the
/// data lives) under the results contract become a run in the ledger, so results, explain,
/// diff, applications, grants and pushes work on them as on a run of our engine. The file is
/// streamed and checked whole before anything is written: one line that does not match the
/// contract (`ResultsImportError`, file:line) and nothing is imported.
public enum ResultsImport {
    /// The ledger's engine of an imported run.
    public static let engineVersion = "imported"
    /// The ledger input naming the imported file (its SHA-256).
    public static let inputKind = "results_file"
    static let contractColumns = ["entity_id", "policy_id", "outcome", "amount"]

    /// Reads and checks the file at `path` against the published policies valid on `asOf` (and
    /// the drafts, with `includeDrafts`: a trial computed elsewhere, never posted)
    /// (every active entity of each policy's subject exactly once), then stores the run — with
    /// `postsGrants`, its 直接兑现 grants — in one transaction, as `run` does. Imported outcomes
    /// are the source's decisions (互斥组 and budgets included): nothing is decided again, and no
    /// review item is opened or applied (its binding hashes inputs that live where the file was
    /// computed). Condition columns, when the file has them, make the run explainable.
    public static func execute(
        path: String, entries: [CatalogEntry], program: Program, store: ProfileStore, asOf: Day, postsGrants: Bool,
        includeDrafts: Bool = false
    ) throws -> LoadedRun {
        let started = Date()
        let selected = BatchRun.select(entries, asOf: asOf, includeDrafts: includeDrafts)
        let policies = selected.map(\.policy)
        var infos = Dictionary(uniqueKeysWithValues: policies.map { ($0.id, RunPolicyInfo($0, program: program, schemas: store.schemas)) })
        let subjects = Set(policies.map { $0.subject ?? "居民" })
        let columns = try store.loadColumns(ColumnRequest(subjects: subjects, fields: [:]))
        var populations: [String: BatchPopulation] = [:]
        for subject in subjects {
            populations[subject] = BatchPopulation(subject: subject, ids: columns.subjects[subject]?.ids ?? [])
        }
        let known = policies.map { policy in
            ResultsFileParser.Policy(
                id: policy.id, subject: policy.subject ?? "居民", conditions: infos[policy.id]?.conditions.map(\.name) ?? []
            )
        }
        var parser = ResultsFileParser(path: path, asOf: asOf, policies: known, populations: populations)
        let lines = try ResultsFileLines(path: path)
        while try lines.next({ bytes in
            if lines.line == 1 { try parser.readHeader(bytes, line: 1) } else { try parser.readRow(bytes, line: lines.line) }
        }) != nil {}
        try parser.finish(lastLine: max(lines.line, 1))
        let batches = zip(parser.policies, known).map { imported, policy in
            infos[policy.id]?.explainable = imported.explainable ? nil : false
            return imported.batch(conditionNames: policy.conditions)
        }
        let result = BatchResult(asOf: asOf, populations: populations, policies: batches)
        let inputs = try BatchRun.currentInputs(store) + [RunInput(kind: inputKind, importID: 0, sha256: lines.sha256())]
        let record = BatchRun.ledgerRecord(
            result, infos: infos, hashes: Dictionary(uniqueKeysWithValues: selected.map { ($0.policy.id, $0.sha256) }),
            started: started, engine: engineVersion, includeDrafts: includeDrafts, rulesSHA256: BatchRun.rulesHash(selected), inputs: inputs
        )
        var run = LoadedRun(record: record, result: result, info: infos)
        // A trial (drafts included) never posts, as with `run`.
        let plan = postsGrants && !includeDrafts ? try GrantLedger.plan(run: run, store: store) : nil
        let saved = try store.saveRun(record, reviewChanges: [], grants: plan?.postings)
        run.record.id = saved.runID
        run.posted = saved.posted.map { plan?.completing($0) ?? $0 }
        return run
    }
}
