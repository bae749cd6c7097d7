public import Datasets
public import Evaluation
internal import Foundation
public import RuleLanguage
public import Store

/// `engine verify`: the columnar engine against the reference evaluator on the store's data.
/// Loads the columns the policies read, evaluates them column-wise, then (unless told not to)
/// decides every entity again with the reference evaluator from the store's own records and
/// compares outcome, amount and every condition.
public enum EngineVerification {
    public struct Mismatch: Sendable {
        public var subject: String
        public var entity: String
        public var policy: String
        /// What differs, in Chinese, with both sides' values.
        public var detail: String
    }

    public struct Report: Sendable {
        public var result: BatchResult
        public var loadSeconds: Double
        public var evaluateSeconds: Double
        /// Entities compared (0 without the reference), and the policies compared for them.
        public var compared = 0
        public var policyCount = 0
        public var mismatches: [Mismatch] = []
    }

    /// Loads and evaluates with the engine: the result and the seconds each step took.
    public static func evaluate(
        policies: [CompiledPolicy], program: Program, store: ProfileStore, asOf: Day
    ) throws -> (result: BatchResult, load: Double, evaluate: Double) {
        let clock = ContinuousClock()
        let t0 = clock.now
        let columns = try store.loadColumns(ColumnarEngine.columnRequest(program: program, policies: policies))
        let t1 = clock.now
        let result = ColumnarEngine(program: program).evaluate(policies: policies, columns: columns, asOf: asOf)
        let t2 = clock.now
        return (result, seconds(t1 - t0), seconds(t2 - t1))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// `limit`: at most this many entities per subject are compared (nil: all).
    public static func run(
        policies: [CompiledPolicy], program: Program, store: ProfileStore, asOf: Day, reference: Bool = true, limit: Int? = nil
    ) throws -> Report {
        let (result, load, evaluate) = try evaluate(policies: policies, program: program, store: store, asOf: asOf)
        var report = Report(result: result, loadSeconds: load, evaluateSeconds: evaluate, policyCount: policies.count)
        guard reference else { return report }
        let evaluator = ReferenceEvaluator(program: program)
        for (subject, population) in result.populations.sorted(by: { $0.key < $1.key }) {
            guard let kind = NameTable.subjectKind(subject) else { continue }
            let batches = result.policies.filter { $0.subject == subject }
            let compiled = batches.compactMap { batch in policies.first { $0.id == batch.policyID } }
            let position = Dictionary(population.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            var seen = 0
            var missing = Set(population.ids)
            try store.scan(kind, unit: subject == "家庭" ? .householdHead : .each) { stored in
                if let limit, seen >= limit { return }
                let id = subject == "家庭" ? householdID(stored) : stored.key
                missing.remove(id)
                guard let index = position[id] else {
                    report.mismatches.append(.init(subject: subject, entity: id, policy: "", detail: "引擎的对象中没有它"))
                    return
                }
                seen += 1
                let facts = EntityFacts(stored)
                for (policy, batch) in zip(compiled, batches) {
                    let expected = evaluator.evaluate(policy, for: facts, asOf: asOf, explaining: true)
                    if let detail = batch.difference(from: expected, at: index) {
                        report.mismatches.append(.init(subject: subject, entity: id, policy: policy.id, detail: detail))
                    }
                }
            }
            report.compared += seen
            if limit == nil, let extra = missing.sorted().first {
                report.mismatches.append(.init(subject: subject, entity: extra, policy: "", detail: "引擎多出此对象（参考扫描中没有）"))
            }
        }
        return report
    }

    static func householdID(_ stored: StoredEntity) -> String {
        if case .text(let id)? = stored.fields["household_id"] { return id }
        return ""
    }
}
