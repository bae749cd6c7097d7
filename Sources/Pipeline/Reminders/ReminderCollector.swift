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
    /// licence, by policy id, days left, holder id. Names and streets are read in one pass per
    /// subject; only a policy that reads licences loads its eligible entities one by one.
    public static func collect(
        _ run: LoadedRun, store: ProfileStore, entries: [CatalogEntry], program: Program?, wanted: Set<String>? = nil
    ) throws -> Collected {
        let current = Dictionary(entries.map { ($0.policy.id, $0) }, uniquingKeysWith: { first, _ in first })
        let evaluator = program.map(ReferenceEvaluator.init(program:))
        var out = Collected(reminders: [], notes: [])
        var directories: [String: Holders] = [:]
        for batch in run.result.policies.sorted(by: { $0.policyID < $1.policyID }) {
            guard let info = run.info[batch.policyID], info.mode == "提醒", wanted?.contains(batch.policyID) ?? true,
                  let ids = run.result.populations[batch.subject]?.ids, batch.outcomes.contains(.eligible) else { continue }
            let entry = current[batch.policyID]
            let aboutLicences = info.conditions.contains { $0.reads.contains(where: readsLicence) }
            if aboutLicences, entry == nil {
                out.notes.append("政策 \(batch.policyID) 已不在现行规则中：提醒照常列出，但不能指出是哪张证照。")
            } else if aboutLicences, let stored = run.record.policies.first(where: { $0.policyID == batch.policyID }), stored.sha256 != entry?.sha256 {
                out.notes.append("政策 \(batch.policyID) 在该运行之后修改过：提醒对象取自该运行，证照按现行规则匹配。")
            }
            if directories[batch.subject] == nil { directories[batch.subject] = try Holders(subject: batch.subject, ids: ids, store: store) }
            let holders = directories[batch.subject]
            var records: [Reminder] = []
            for (entity, outcome) in batch.outcomes.enumerated() where outcome == .eligible && entity < ids.count {
                let base = Reminder(
                    policyID: batch.policyID, policyTitle: info.title, subject: batch.subject, holderID: ids[entity],
                    holderName: holders?.names[entity] ?? "", street: holders?.streets[entity] ?? "", licence: nil,
                    office: info.department ?? ""
                )
                var licences: [Reminder.Licence] = []
                if aboutLicences, let entry, let evaluator, let stored = try load(ids[entity], subject: batch.subject, store: store) {
                    licences = causes(entry.policy, stored, evaluator: evaluator, asOf: run.result.asOf)
                }
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

    /// Whether a field as a condition reads it (证照.有效期至) is a licence's.
    static func readsLicence(_ field: String) -> Bool {
        NameTable.collections.contains { name, kind in kind == .licences && field.hasPrefix(name + ".") }
    }

    /// The names and streets of a subject's population, aligned to its ids (a household: its 户主's).
    struct Holders {
        var names: [String]
        var streets: [String]

        init(subject: String, ids: [String], store: ProfileStore) throws {
            let kind = NameTable.subjectKind(subject) ?? .residents
            let unit: ScanUnit = subject == "家庭" ? .householdHead : .each
            let schema = store.schemas[kind]
            func column(_ field: String?) throws -> [String] {
                guard let field, schema.index(of: field) != nil else { return Array(repeating: "", count: ids.count) }
                return try store.fieldValues(kind, field: field, unit: unit, alignedTo: ids).map { ReminderCollector.text($0) }
            }
            names = try column("name")
            let divisions = store.schemas.divisions
            streets = try column(schema.fields.first { $0.type == .division }?.name).map { $0.isEmpty ? "" : divisions.label(of: $0) }
        }
    }

    /// The licences that each alone make `policy` hold for the entity; empty when the policy
    /// holds without any licence (it is not about licences) or no single licence suffices.
    static func causes(_ policy: CompiledPolicy, _ stored: StoredEntity, evaluator: ReferenceEvaluator, asOf: Day) -> [Reminder.Licence] {
        var facts = EntityFacts(stored)
        facts.related[.licences] = []
        guard let held = stored.licences, !held.isEmpty, evaluator.evaluate(policy, for: facts, asOf: asOf, explaining: false).outcome != .eligible else { return [] }
        return held.compactMap { licence in
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

    static func text(_ value: FieldValue?) -> String {
        switch value {
        case .text(let text)?: text
        case .date(let day)?: day.description
        case .integer(let number)?: String(number)
        default: ""
        }
    }
}
