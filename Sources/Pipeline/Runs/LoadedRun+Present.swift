internal import Datasets
internal import Evaluation
internal import RuleLanguage
public import Store

/// Which of the fields a run's undecided conditions read are present for each entity, so that
/// `results --wide` names only the fields actually missing (出生日期, not also 户籍地 that the same
/// condition reads and that is there). Read from the store's current columns, which are the
/// run's own inputs only while nothing was imported since; otherwise there is nothing to say
/// (nil), and every field read is listed as before.
public struct PresentFields: Sendable {
    let columns: ColumnSet
    /// Per subject, a field's label → its canonical name (own fields only).
    let names: [String: [String: String]]

    /// Whether `label` (an own field of the subject, as `reasons` names it) holds a value for
    /// the population's entity at `index`.
    func isPresent(_ label: String, subject: String, entity index: Int) -> Bool {
        guard let name = names[subject]?[label], let column = columns.subjects[subject]?.fields.columns[name],
              index < column.values.count else { return false }
        return column.isValid(index)
    }
}

extension LoadedRun {
    /// The current values of the own fields the run's conditions and amounts read, aligned to
    /// the run's populations; nil when an import since the run makes them not the run's inputs.
    public func presentFields(_ store: ProfileStore) throws -> PresentFields? {
        guard !(try importedSince(store)) else { return nil }
        var names: [String: [String: String]] = [:]
        var fields: [DatasetKind: Set<String>] = [:]
        for batch in result.policies {
            guard let info = info[batch.policyID] else { continue }
            let kind = NameTable.subjectKind(batch.subject) ?? .residents
            let labels = info.conditions.flatMap(\.reads) + info.amountReads
            for spec in store.schemas[kind].fields where labels.contains(spec.label) {
                names[batch.subject, default: [:]][spec.label] = spec.name
                fields[kind, default: []].insert(spec.name)
            }
        }
        let columns = try store.loadColumns(ColumnRequest(subjects: Set(names.keys), fields: fields))
        for (subject, population) in result.populations where names[subject] != nil {
            // The same inputs give the same population; anything else and nothing is claimed.
            guard columns.subjects[subject]?.ids == population.ids else { return nil }
        }
        return PresentFields(columns: columns, names: names)
    }
}
