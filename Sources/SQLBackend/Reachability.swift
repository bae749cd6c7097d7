internal import Datasets
internal import RuleLanguage

/// What a subject's policies read on the entity's row: the nodes computed per entity, the
/// aggregates (and 持有有效证照) computed per group of related records, and the fields.
struct Reachability {
    private(set) var nodes: Set<NodeID> = []
    private(set) var aggregates: Set<NodeID> = []
    private(set) var fields: Set<String> = []
    let program: Program

    init(program: Program, policies: [CompiledPolicy]) {
        self.program = program
        for policy in policies {
            for condition in policy.conditions { visit(condition.node) }
            for node in policy.amount?.nodes ?? [] { visit(node) }
        }
    }

    private mutating func visit(_ id: NodeID) {
        guard nodes.insert(id).inserted else { return }
        switch program[id].operation {
        case .aggregate, .validLicence:
            aggregates.insert(id)
        case .field(let name, _):
            fields.insert(name)
        case .ownAmount(let policy):
            for node in program.policy(policy)?.amount?.nodes ?? [] { visit(node) }
        case let operation:
            for operand in operation.operands { visit(operand) }
        }
    }
}
