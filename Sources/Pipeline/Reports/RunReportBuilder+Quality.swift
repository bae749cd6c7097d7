internal import Datasets
internal import Evaluation
internal import Outputs
internal import Store

/// Data quality: quarantine by reason, warnings by value, and the missing fields behind unknowns.
extension RunReportBuilder {
    static func quality(_ run: LoadedRun, store: ProfileStore) throws -> DataQuality {
        DataQuality(
            quarantine: counts(try store.quarantine(.latestPerFile), store: store, values: false),
            warnings: counts(try store.warnings(.latestPerFile), store: store, values: true),
            missing: missing(run),
            importedAfterRun: try run.importedSince(store)
        )
    }

    /// Rows per (dataset, code, field) — and per value for warnings, whose values are codes from
    /// hand-kept lists, never personal data; quarantined values may be, so they are left out.
    static func counts<Reason: RowIssueReason>(_ issues: [StoredRowIssue<Reason>], store: ProfileStore, values: Bool) -> [DataQuality.Count] {
        var rows: [[String]: Int] = [:]
        for issue in issues {
            let kind = issue.kind
            let schema = kind.map { store.schemas[$0] }
            let field = schema.flatMap { s in s.index(of: issue.entry.field).map { s.fields[$0].label } } ?? issue.entry.field
            let key = [
                schema?.label ?? "", issue.entry.reason.rawValue, issue.entry.reason.label, field, values ? issue.entry.value : "",
            ]
            rows[key, default: 0] += 1
        }
        return rows.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, count in
            DataQuality.Count(dataset: key[0], code: key[1], label: key[2], field: key[3], value: key[4], rows: count)
        }
    }

    /// Per policy (id order), the fields its unknowns needed, most frequent first.
    static func missing(_ run: LoadedRun) -> [DataQuality.Missing] {
        var out: [DataQuality.Missing] = []
        for (index, batch) in run.result.policies.enumerated().sorted(by: { $0.element.policyID < $1.element.policyID }) {
            var needing: [String: Int] = [:]
            var unknown = 0
            for (entity, outcome) in batch.outcomes.enumerated() where outcome == .unknown {
                unknown += 1
                for field in run.reasons(policy: index, entity: entity).missing { needing[field, default: 0] += 1 }
            }
            let title = run.info[batch.policyID]?.title ?? ""
            for (field, count) in needing.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                out.append(DataQuality.Missing(
                    policyID: batch.policyID, title: title, field: field, unknownNeedingIt: count, unknownTotal: unknown,
                    evaluated: batch.outcomes.count
                ))
            }
        }
        return out
    }
}
