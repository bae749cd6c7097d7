public import Datasets
internal import Dispatch
internal import Foundation
public import RuleLanguage

/// The columnar engine: every policy over a whole population at once. Each node of the
/// program's DAG is computed once per chunk of entities (shared by every policy reading it) into
/// vectors — booleans as (known, truth) bitsets, numbers as exact fixed point or `Decimal`,
/// dates as days, text as dictionary codes — and chunks run in parallel on all cores. The result
/// does not depend on the chunking. Raw outcomes only: 互斥组 and budgets come after.
///
/// Exactness: wherever the kernels cannot be sure to agree with `ReferenceEvaluator` (a
/// fixed-point overflow in a row, an operation they do not vectorize), that row or policy is
/// decided by the reference evaluator itself.
public struct ColumnarEngine: Sendable {
    public let program: Program
    /// Rows per chunk (a multiple of 64).
    public var chunkSize: Int
    public var workers: Int

    public init(program: Program, chunkSize: Int = 4096, workers: Int? = nil) {
        self.program = program
        self.chunkSize = max(64, (chunkSize + 63) / 64 * 64)
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The columns evaluating `policies` reads: per kind of record, the fields named by the
    /// program's nodes (licence fields for 持有有效证照), and the subjects.
    public static func columnRequest(program: Program, policies: [CompiledPolicy]) -> ColumnRequest {
        var fields: [DatasetKind: Set<String>] = [:]
        for node in program.nodes {
            switch node.operation {
            case .field(let name, _):
                fields[.residents, default: []].insert(name)
                fields[.enterprises, default: []].insert(name)
            case .relatedField(let kind, let name, _):
                fields[kind, default: []].insert(name)
                // Inside an aggregate over the other collection, the reference reads the name there.
                fields[kind == .licences ? .residents : .licences, default: []].insert(name)
            case .validLicence:
                fields[.licences, default: []].formUnion(["license_type", "issue_date", "expiry_date"])
            default:
                break
            }
        }
        // 发放顺序 fields, so a run's budgets need no second read of the store.
        for policy in policies where policy.budget != nil {
            if let order = policy.grantOrder {
                fields[policy.subject == "企业" ? .enterprises : .residents, default: []].insert(order.field)
            }
        }
        return ColumnRequest(subjects: Set(policies.map { $0.subject ?? "居民" }), fields: fields)
    }

    /// The 发放顺序 keys of the policies with a budget and an order, in population order, from the
    /// loaded columns (households: the member standing for the household); nil where the value
    /// is missing or not a date or number (as `BatchDecisions.orderKey` reads a stored value).
    public static func grantOrderKeys(_ policies: [CompiledPolicy], columns: ColumnSet) -> BatchDecisions.OrderKeys {
        var keys: BatchDecisions.OrderKeys = [:]
        for policy in policies where policy.budget != nil {
            guard let order = policy.grantOrder, let population = columns.subjects[policy.subject ?? "居民"] else { continue }
            let count = population.ids.count
            guard let column = population.fields.columns[order.field] else {
                keys[policy.id] = [Int64?](repeating: nil, count: count)
                continue
            }
            switch column.type {
            case .date, .integer, .decimal:
                keys[policy.id] = (0..<count).map { column.isValid($0) ? column.values[$0] : nil }
            default:
                keys[policy.id] = [Int64?](repeating: nil, count: count)
            }
        }
        return keys
    }

    /// Every policy for every entity of its subject in `columns`, as of `asOf`.
    public func evaluate(policies: [CompiledPolicy], columns: ColumnSet, asOf: Day) -> BatchResult {
        var populations: [String: BatchPopulation] = [:]
        var batches = [PolicyBatch?](repeating: nil, count: policies.count)
        let bySubject = Dictionary(grouping: policies.indices) { policies[$0].subject ?? "居民" }
        for subject in bySubject.keys.sorted() {
            let indices = bySubject[subject] ?? []
            let population = columns.subjects[subject] ?? SubjectColumns(
                subject: subject, ids: [], fields: ColumnTable(count: 0, columns: [:]), members: .empty(count: 0),
                licences: .empty(count: 0)
            )
            populations[subject] = BatchPopulation(subject: subject, ids: population.ids, idBytes: population.idBytes)
            let chosen = indices.map { policies[$0] }
            let results = SubjectRun(engine: self, policies: chosen, asOf: asOf, columns: population, set: columns).run()
            for (index, batch) in zip(indices, results) { batches[index] = batch }
        }
        return BatchResult(asOf: asOf, populations: populations, policies: batches.compactMap { $0 })
    }
}

extension ColumnarEngine {
    /// The policies the kernels do not compute and the reference evaluator decides entity by
    /// entity (an operation not vectorized exactly); empty for the library today.
    public func policiesDecidedByReference(_ policies: [CompiledPolicy], columns: ColumnSet, asOf: Day) -> [String] {
        let bySubject = Dictionary(grouping: policies) { $0.subject ?? "居民" }
        return bySubject.flatMap { subject, chosen -> [String] in
            guard let population = columns.subjects[subject] else { return [] }
            let plan = EnginePlan(program: program, policies: chosen, asOf: asOf, columns: population, set: columns)
            return chosen.filter { !plan.supports($0) }.map(\.id)
        }.sorted()
    }
}
