public import Datasets
public import Evaluation
internal import Foundation
public import RuleLanguage
public import Store

/// `rules try`: a policy officer's trial run. Evaluates policies (drafts included) against every
/// active profile in the store as of a date, with the reference evaluator, and tallies per
/// policy who receives it, who qualifies but receives another policy of its 互斥组, who does not
/// qualify and why, who goes to manual review, the amount and how it compares with the budget —
/// "what happens on real data if I publish this". Every entity evaluated is counted in exactly
/// one of granted, excluded, ineligible and manual review.
///
/// The reference evaluator walks the program per entity with exact decimals; it is plain and
/// trusted rather than fast (about 10⁴–10⁵ entity-policies per second). The nightly batch will
/// use the columnar engine, which is checked against it.
public enum RuleTrial {
    public struct Tally: Sendable {
        public var id: String
        public var title: String
        public var subject: String
        public var mode: String
        public var period: String?
        public var budget: String?
        public var status: PolicyStatus
        /// The policy's 互斥组, if any.
        public var group: String?
        public var evaluated = 0
        /// Eligible and granted (符合（享受）): what is paid.
        public var granted = 0
        /// Eligible, but another policy of the same exclusive group wins for the entity (互斥未享):
        /// not paid under this policy.
        public var excluded = 0
        public var ineligible = 0
        public var manualReview = 0
        /// Passed every 前提 (and the validity window) and failed exactly one other condition: the
        /// outreach list (快申快享). nil where that says nothing (`CompiledPolicy.reportsNearMisses`).
        public var nearMisses: Int?
        /// The sum of the amounts granted, in 元: what is actually paid.
        var total = Decimal(0)
        /// What the excluded entities would have received under this policy, in 元 (not paid).
        var excludedTotal = Decimal(0)
        /// How many entities each condition failed (否) or left undecided (未知), by label.
        public var failing: [String: Int] { byLabel(failingAt) }
        public var undecided: [String: Int] { byLabel(undecidedAt) }
        /// Counted by the condition's position in the results (a policy's conditions always come
        /// in the same order), so the per-entity loop indexes an array instead of hashing labels.
        var labels: [String] = []
        var failingAt: [Int] = []
        var undecidedAt: [Int] = []

        private func byLabel(_ counts: [Int]) -> [String: Int] {
            var out: [String: Int] = [:]
            for (position, count) in counts.enumerated() where count > 0 { out[labels[position], default: 0] += count }
            return out
        }

        public var totalText: String { ReferenceEvaluator.yuan(total) }
        public var excludedTotalText: String { ReferenceEvaluator.yuan(excludedTotal) }
    }

    public struct Report: Sendable {
        public var asOf: Day
        public var tallies: [Tally]
        /// How many entities were read for each subject (居民, 家庭, 企业).
        public var scanned: [String: Int]
    }

    /// `progress`, if given, hears the subject and how many of its entities were evaluated,
    /// every 10,000 entities.
    public static func run(
        entries: [CatalogEntry], program: Program, store: ProfileStore, asOf: Day,
        progress: ((_ subject: String, _ evaluated: Int) -> Void)? = nil
    ) throws -> Report {
        let evaluator = ReferenceEvaluator(program: program)
        var tallies = entries.map { entry in
            Tally(
                id: entry.policy.id, title: entry.policy.title, subject: entry.policy.subject ?? "居民",
                mode: entry.policy.mode ?? "", period: entry.policy.period, budget: entry.policy.budget, status: entry.status,
                group: entry.policy.exclusive?.group, nearMisses: entry.policy.reportsNearMisses ? 0 : nil
            )
        }
        let policies = entries.map(\.policy)
        let bySubject = Dictionary(grouping: policies.indices) { policies[$0].subject ?? "居民" }
        let scanned = try forEachEntity(subjects: Set(bySubject.keys), store: store, progress: progress) { subject, facts in
            for (index, result, granted) in decide(evaluator, policies, bySubject[subject] ?? [], facts, asOf) {
                tallies[index].add(result, granted: granted)
            }
        }
        return Report(asOf: asOf, tallies: tallies, scanned: scanned)
    }

    /// Reads every active entity of the subjects asked for (居民 and 企业 one by one, 家庭 by its
    /// head) and hands over its facts; returns how many were read per subject.
    static func forEachEntity(
        subjects: Set<String>, store: ProfileStore, progress: ((String, Int) -> Void)?,
        _ body: (_ subject: String, _ facts: EntityFacts) -> Void
    ) throws -> [String: Int] {
        var scanned: [String: Int] = [:]
        for subject in ["居民", "家庭", "企业"] where subjects.contains(subject) {
            guard let kind = NameTable.subjectKind(subject) else { continue }
            try store.scan(kind, unit: subject == "家庭" ? .householdHead : .each) { stored in
                scanned[subject, default: 0] += 1
                if let progress, let count = scanned[subject], count % 10_000 == 0 { progress(subject, count) }
                body(subject, EntityFacts(stored))
            }
        }
        return scanned
    }

    /// The policies at `indices` decided for one entity, with 互斥组 applied: each result with
    /// its index and whether it is granted.
    static func decide(
        _ evaluator: ReferenceEvaluator, _ policies: [CompiledPolicy], _ indices: [Int], _ facts: EntityFacts, _ asOf: Day,
        explaining: Bool = false
    ) -> [(index: Int, result: PolicyEvaluation, granted: Bool)] {
        var decided: [(Int, PolicyEvaluation)] = []
        decided.reserveCapacity(indices.count)
        for index in indices {
            decided.append((index, evaluator.evaluate(policies[index], for: facts, asOf: asOf, explaining: explaining)))
        }
        let winners = ExclusiveGroups.winners(policies: decided.map { policies[$0.0] }, results: decided.map(\.1))
        return decided.enumerated().map { offset, pair in (pair.0, pair.1, winners.contains(offset)) }
    }

    /// One entity's policies, explained condition by condition.
    public struct Explanation: Sendable {
        public var kind: DatasetKind
        public var entity: StoredEntity
        /// The 户号 asked for, when the entity was found by it: the explanation then covers the
        /// 家庭 policies only, for the member that stands for the household.
        public var household: String?
        /// Whether the entity stands for its household in a household scan (its 家庭 policies are
        /// explained with it); false for other members and for enterprises.
        public var standsForHousehold: Bool
        /// With 互斥组 applied as in the batch: `granted` is false for an eligible policy another
        /// in its group beats.
        public var results: [(result: PolicyEvaluation, granted: Bool)]
        /// Per policy id, where the reference evaluator decided this entity otherwise than the
        /// engine (whose decision `results` holds): both sides, in Chinese. Empty when they agree.
        public var disagreements: [String: String] = [:]
    }

    /// Every policy for one entity, by 身份证号, 统一社会信用代码 or 户号, explained condition by
    /// condition as the batch decides it — by the columnar engine, with the values read from the
    /// reference evaluator (`decideWithEngine`); nil if no such profile or household. 家庭
    /// policies are explained for the member that stands for the household.
    public static func explain(
        key: String, entries: [CatalogEntry], program: Program, store: ProfileStore, asOf: Day
    ) throws -> Explanation? {
        let engine = ColumnarEngine(program: program, workers: 1)
        return try explain(key: key, entries: entries, program: program, store: store, asOf: asOf) { policies, columns in
            engine.evaluate(policies: policies, columns: columns, asOf: asOf)
        }
    }

    /// `explain` with the engine given (tests substitute one to see that its decision is shown).
    static func explain(
        key: String, entries: [CatalogEntry], program: Program, store: ProfileStore, asOf: Day, engine: EntityEngine
    ) throws -> Explanation? {
        let policies = entries.map(\.policy)
        let kind: DatasetKind
        let stored: StoredEntity
        let household: String?
        let applicable: [Int]
        let stands: Bool
        if let (found, entity, representsHousehold) = try store.entity(key: key) {
            (kind, stored, household) = (found, entity, nil)
            stands = found == .residents && representsHousehold
            applicable = policies.indices.filter { index in
                let subject = policies[index].subject ?? "居民"
                return NameTable.subjectKind(subject) == kind && (subject != "家庭" || representsHousehold)
            }
        } else if let entity = try store.householdEntity(id: key) {
            (kind, stored, stands) = (.residents, entity, true)
            household = entity.fields["household_id"].flatMap { if case .text(let id) = $0 { id } else { nil } } ?? key
            applicable = policies.indices.filter { policies[$0].subject == "家庭" }
        } else {
            return nil
        }
        let decided = decideWithEngine(
            engine, program: program, policies: policies, indices: applicable, facts: EntityFacts(stored),
            id: household ?? stored.key, schemas: store.schemas, asOf: asOf
        )
        var disagreements: [String: String] = [:]
        for decision in decided { disagreements[decision.result.policy] = decision.disagreement }
        return Explanation(
            kind: kind, entity: stored, household: household, standsForHousehold: stands,
            results: decided.map { ($0.result, $0.granted) }, disagreements: disagreements
        )
    }
}

extension RuleTrial.Tally {
    mutating func add(_ result: PolicyEvaluation, granted: Bool) {
        evaluated += 1
        switch result.outcome {
        case .eligible:
            if granted {
                self.granted += 1
                if let amount = result.amountValue { total += amount }
            } else {
                excluded += 1
                if let amount = result.amountValue { excludedTotal += amount }
            }
        case .ineligible:
            ineligible += 1
        case .unknown:
            manualReview += 1
        }
        // The amount condition appears (last) only when it is unknown: grow to fit.
        while labels.count < result.conditions.count {
            labels.append(result.conditions[labels.count].label)
            failingAt.append(0)
            undecidedAt.append(0)
        }
        var failedOthers = 0
        var premisesHold = true
        for (position, condition) in result.conditions.enumerated() {
            if condition.premise, condition.value != .yes { premisesHold = false }
            switch condition.value {
            case .no:
                if !condition.premise { failedOthers += 1 }
                failingAt[position] += 1
            case .unknown: undecidedAt[position] += 1
            case .yes: break
            }
        }
        if let near = nearMisses, result.outcome == .ineligible, premisesHold, failedOthers == 1 { nearMisses = near + 1 }
    }
}

extension EntityFacts {
    /// A stored entity's facts; licences never imported stay missing (no entry), not none.
    init(_ stored: StoredEntity) {
        self.init(fields: stored.fields, related: [.residents: stored.household])
        related[.licences] = stored.licences
    }
}
