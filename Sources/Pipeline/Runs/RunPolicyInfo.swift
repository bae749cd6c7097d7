internal import Datasets
internal import Evaluation
internal import RuleLanguage

/// What a run keeps of each policy as it was evaluated, so that explanations, near misses and
/// exports of an old run read its conditions and parameters even after the rules changed.
public struct RunPolicyInfo: Codable, Sendable {
    public struct Condition: Codable, Sendable {
        public var name: String
        public var label: String
        public var basis: String?
        /// A 前提 (the validity window counts as one).
        public var premise: Bool
        /// The data fields it reads, as people name them (出生日期, 家庭成员.年收入).
        public var reads: [String] = []
    }

    public var title: String
    public var subject: String
    public var basis: String?
    /// The policy's 部门 (the office that grants it and the one to contact); nil in runs stored before it was kept.
    public var department: String?
    public var payee: String?
    public var mode: String?
    public var period: String?
    public var budget: String?
    public var group: String?
    public var grantOrder: String?
    public var reportsNearMisses: Bool
    /// In the order of `PolicyBatch.conditions` (the validity window first when there is one).
    public var conditions: [Condition]
    /// The fields the amount reads (what is missing when it cannot be computed).
    public var amountReads: [String] = []
    /// The amount as people read it (新招高校毕业生人数 * 1500 元，上限 30000 元), for the
    /// calculation an application shows; nil without an amount or in older runs.
    public var amountFormula: String?
    /// The dated parameters the amount reads, with all their values (older runs: nil).
    public var amountParameters: [Parameter]?
    /// False for a policy of an imported run whose file had no column for some condition: its
    /// conditions are unknown to the run and cannot be explained. Nil (explainable) otherwise.
    public var explainable: Bool?

    /// A dated parameter as the run read it: its values from each date on (`from` as yyyy-mm-dd).
    public struct Parameter: Codable, Sendable {
        public var name: String
        public var unit: String?
        public var values: [DatedValue]
    }

    public struct DatedValue: Codable, Sendable {
        public var from: String
        public var value: String
    }

    init(_ policy: CompiledPolicy, program: Program, schemas: SchemaSet) {
        let kind = NameTable.subjectKind(policy.subject ?? "居民") ?? .residents
        func labels(_ nodes: [NodeID]) -> [String] {
            var seen: Set<String> = []
            return nodes.flatMap { program[$0].reads }.filter { seen.insert($0).inserted }
                .map { NameTable.input($0, subject: kind, schemas: schemas).label }
        }
        title = policy.title
        subject = policy.subject ?? "居民"
        basis = policy.basis
        department = policy.department
        payee = policy.payee
        mode = policy.mode
        period = policy.period
        budget = policy.budget
        group = policy.exclusive?.group
        grantOrder = policy.grantOrder?.text
        reportsNearMisses = policy.reportsNearMisses
        var conditions: [Condition] = []
        if let validity = policy.validity {
            conditions.append(.init(
                name: PolicyEvaluation.validityCondition, label: PolicyEvaluation.validityLabel(validity), basis: policy.basis,
                premise: true
            ))
        }
        conditions += policy.conditions.map {
            Condition(name: $0.name, label: $0.label, basis: $0.basis, premise: $0.premise, reads: labels([$0.node]))
        }
        self.conditions = conditions
        amountReads = policy.amount.map { labels($0.nodes) } ?? []
        let renderer = ProgramRenderer(program: program, schemas: schemas, showsNames: true)
        amountFormula = policy.amount.map { renderer.render($0) }
        amountParameters = renderer.parameters(reachableFrom: policy.amount?.nodes ?? []).compactMap { name in
            program.parameters[name].map { parameter in
                Parameter(name: name, unit: parameter.unit, values: parameter.values.map { DatedValue(from: $0.from.description, value: $0.value) })
            }
        }
    }
}
