internal import Datasets
internal import Evaluation
public import Store

extension LoadedRun {
    /// Why an (entity, policy) of the run is what it is: the labels of the conditions that failed,
    /// and the fields the undecided conditions (or, for an unknown, the amount) read — what is
    /// missing (with `present`, only those the entity has no value for). `policy` indexes
    /// `result.policies`, `entity` its population.
    public func reasons(policy: Int, entity: Int, present: PresentFields? = nil) -> (failed: [String], missing: [String]) {
        let batch = result.policies[policy]
        let info = info[batch.policyID]
        let conditions = info?.conditions ?? []
        var failed: [String] = []
        var missing: [String] = []
        for (position, bits) in batch.conditions.enumerated() where position < conditions.count {
            switch bits.value(at: entity) {
            case .no: failed.append(conditions[position].label)
            case .unknown: missing += conditions[position].reads
            case .yes: break
            }
        }
        if batch.outcomes[entity] == .unknown, !batch.amountKnown[entity] { missing += info?.amountReads ?? [] }
        var seen: Set<String> = []
        missing = missing.filter { seen.insert($0).inserted }
        if let present {
            missing.removeAll { present.isPresent($0, subject: batch.subject, entity: entity) }
        }
        return (failed, missing)
    }

    /// Whether the engine decided the row from the data itself (a condition failed, or every
    /// condition held with a known amount), as opposed to a reviewer's decision standing in for
    /// an unknown: the conditions' stored bits are the engine's, whatever a review decided.
    public func engineDecided(policy: Int, entity: Int) -> Bool {
        let batch = result.policies[policy]
        var undecided = false
        for bits in batch.conditions {
            switch bits.value(at: entity) {
            case .no: return true
            case .unknown: undecided = true
            case .yes: break
            }
        }
        return !undecided && batch.amountKnown[entity]
    }

    /// Whether any dataset was imported after the run's inputs (profiles may differ from the run's).
    public func importedSince(_ store: ProfileStore) throws -> Bool {
        for kind in DatasetKind.allCases {
            let then = record.inputs.first { $0.kind == kind.rawValue }?.importID
            if let now = try store.latestImport(kind: kind)?.id, now != then { return true }
        }
        return false
    }
}
