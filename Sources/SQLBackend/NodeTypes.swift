internal import Datasets
internal import RuleLanguage

/// The kind of value a node computes, as the engine's values are typed (number, date, text,
/// truth value): the emitter needs it where the engine's result depends on it (a lookup key
/// that is not text is unknown, `属于` compares numbers as numbers).
enum ValueKind {
    case number, date, text, bool
}

struct NodeTypes {
    private var kinds: [ValueKind]

    init(program: Program, schemas: SchemaSet) {
        kinds = []
        kinds.reserveCapacity(program.nodes.count)
        for node in program.nodes {
            kinds.append(Self.kind(node.operation, schemas: schemas, known: kinds, program: program))
        }
    }

    subscript(id: NodeID) -> ValueKind { kinds[id.index] }

    private static func kind(_ operation: Operation, schemas: SchemaSet, known: [ValueKind], program: Program) -> ValueKind {
        func of(_ id: NodeID) -> ValueKind { id.index < known.count ? known[id.index] : .number }
        switch operation {
        case .field(let name, _):
            return fieldKind(name, [schemas.residents, schemas.enterprises])
        case .relatedField(let kind, let name, _):
            return fieldKind(name, [schemas[kind]])
        case .number, .parameter, .age, .days, .negate, .convert, .ownAmount: return .number
        case .date, .asOf: return .date
        case .text: return .text
        case .bool, .not, .memberOf, .present, .validLicence: return .bool
        case .aggregate(let aggregate, _, let operand):
            switch aggregate {
            case .count, .sum: return .number
            case .any, .all: return .bool
            case .max, .min: return operand.map(of) ?? .number
            }
        case .binary(let op, let lhs, _):
            switch op {
            case .plus, .minus, .times, .divide: return of(lhs)
            default: return .bool
            }
        case .choose(_, let then, _): return of(then)
        case .extreme(_, let operands): return operands.first.map(of) ?? .number
        case .lookup(_, let rows, let otherwise, _): return (rows.first?.value ?? otherwise).map(of) ?? .number
        }
    }

    private static func fieldKind(_ name: String, _ schemas: [Schema]) -> ValueKind {
        for schema in schemas {
            guard let spec = schema.fields.first(where: { $0.name == name }) else { continue }
            switch spec.type {
            case .integer, .decimal: return .number
            case .date: return .date
            case .bool: return .bool
            default: return .text
            }
        }
        return .text
    }
}
