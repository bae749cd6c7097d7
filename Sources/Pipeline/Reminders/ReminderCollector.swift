internal import Evaluation
public import Outputs
public import RuleLanguage
public import Store
internal import Datasets

/// `mianshen reminders list`: the reminders a run's 提醒 policies produced. Whom to remind comes
/// from the run (its eligible entities); for a policy about licences, which licence is found by
/// deciding the policy (the reference evaluator, current rules) with each of the holder's
/// licences alone: every licence that by itself makes the holder eligible gets its own record.
public enum ReminderCollector {
    public struct Collected: Sendable {
        public var reminders: [Reminder]
        /// Sentences for the officer (a policy changed or removed since the run).
        public var notes: [String]
    }

    /// The run's 提醒 policies (only `wanted` when given): one record per eligible entity and
    /// licence, by policy id, days left, holder id.
    public static func collect(
        _ run: LoadedRun, store: ProfileStore, entries: [CatalogEntry], program: Program?, wanted: Set<String>? = nil
    ) throws -> Collected {
        let current = Dictionary(entries.map { ($0.policy.id, $0) }, uniquingKeysWith: { first, _ in first })
        let evaluator = program.map(ReferenceEvaluator.init(program:))
        var out = Collected(reminders: [], notes: [])
        for batch in run.result.policies.sorted(by: { $0.policyID < $1.policyID }) {
            guard let info = run.info[batch.policyID], info.mode == "提醒", wanted?.contains(batch.policyID) ?? true else { continue }
            let entry = current[batch.policyID]
            if entry == nil {
                out.notes.append("政策 \(batch.policyID) 已不在现行规则中：提醒照常列出，但不能指出是哪张证照。")
            } else if let stored = run.record.policies.first(where: { $0.policyID == batch.policyID }), stored.sha256 != entry?.sha256 {
                out.notes.append("政策 \(batch.policyID) 在该运行之后修改过：提醒对象取自该运行，证照按现行规则匹配。")
            }
            let ids = run.result.populations[batch.subject]?.ids ?? []
            var records: [Reminder] = []
            for (entity, outcome) in batch.outcomes.enumerated() where outcome == .eligible && entity < ids.count {
                guard let stored = try load(ids[entity], subject: batch.subject, store: store) else { continue }
                let base = Reminder(
                    policyID: batch.policyID, policyTitle: info.title, subject: batch.subject, holderID: ids[entity],
                    holderName: text(stored.fields["name"]), street: street(stored, subject: batch.subject, store: store), licence: nil,
                    office: info.department ?? ""
                )
                let licences = entry.flatMap { entry in
                    evaluator.map { causes(entry.policy, stored, evaluator: $0, asOf: run.result.asOf) }
                } ?? []
                if licences.isEmpty { records.append(base) }
                for licence in licences {
                    var record = base
                    record.licence = licence
                    records.append(record)
                }
            }
            out.reminders += records.sorted {
                ($0.licence?.daysLeft ?? Int.max, $0.holderID, $0.licence?.number ?? "") < ($1.licence?.daysLeft ?? Int.max, $1.holderID, $1.licence?.number ?? "")
            }
        }
        return out
    }

    /// The licences that each alone make `policy` hold for the entity; empty when the policy
    /// holds without any licence (it is not about licences) or no single licence suffices.
    static func causes(_ policy: CompiledPolicy, _ stored: StoredEntity, evaluator: ReferenceEvaluator, asOf: Day) -> [Reminder.Licence] {
        var facts = EntityFacts(stored)
        facts.related[.licences] = []
        guard !stored.licences.isEmpty, evaluator.evaluate(policy, for: facts, asOf: asOf, explaining: false).outcome != .eligible else { return [] }
        return stored.licences.compactMap { licence in
            facts.related[.licences] = [licence]
            guard evaluator.evaluate(policy, for: facts, asOf: asOf, explaining: false).outcome == .eligible else { return nil }
            let expiry: Day? = if case .date(let day)? = licence["expiry_date"] { day } else { nil }
            return Reminder.Licence(
                type: text(licence["license_type"]), number: text(licence["license_no"]), expiry: expiry?.description ?? "",
                daysLeft: expiry.map { Int($0.daysSinceEpoch) - Int(asOf.daysSinceEpoch) } ?? 0
            )
        }
    }

    static func load(_ id: String, subject: String, store: ProfileStore) throws -> StoredEntity? {
        subject == "家庭" ? try store.householdEntity(id: id) : try store.entity(key: id)?.entity
    }

    /// The division of the entity (of its 户主 for a household), as reports name it.
    static func street(_ stored: StoredEntity, subject: String, store: ProfileStore) -> String {
        guard let kind = NameTable.subjectKind(subject),
              let field = store.schemas[kind].fields.first(where: { $0.type == .division }) else { return "" }
        let code = text(stored.fields[field.name])
        return code.isEmpty ? "" : store.schemas.divisions.label(of: code)
    }

    static func text(_ value: FieldValue?) -> String {
        switch value {
        case .text(let text)?: text
        case .date(let day)?: day.description
        case .integer(let number)?: String(number)
        default: ""
        }
    }
}
