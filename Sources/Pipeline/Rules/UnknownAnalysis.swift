internal import Datasets
internal import RuleLanguage

/// Whether a condition can be 未知 on imported data, for the coverage report of `rules test`:
/// some optional field it reads can be empty (and an empty cell means unknown), except where the
/// operation decides without the value (已填/未填 are never unknown), or a lookup table has keys
/// it does not list.
struct UnknownAnalysis {
    let program: Program
    let subject: DatasetKind
    let schemas: SchemaSet
    private var memo: [NodeID: Bool] = [:]

    init(program: Program, subject: DatasetKind, schemas: SchemaSet) {
        self.program = program
        self.subject = subject
        self.schemas = schemas
    }

    mutating func canBeUnknown(_ id: NodeID) -> Bool {
        if let known = memo[id] { return known }
        let result: Bool
        switch program[id].operation {
        case .field(let name, _):
            result = RuleTestRunner.canBeUnknown([name], subject: subject, schemas: schemas)
        case .relatedField(let kind, let name, _):
            result = RuleTestRunner.canBeUnknown([name], subject: kind, schemas: schemas)
        case .present:
            result = false
        case .validLicence:
            result = RuleTestRunner.canBeUnknown(Lowering.licenceReads, subject: subject, schemas: schemas)
        case .ownAmount(let policy):
            result = (program.policy(policy)?.amount?.nodes ?? []).contains { canBeUnknown($0) }
        case .lookup(let key, let rows, let otherwise, _) where otherwise == nil && !covers(key, rows):
            result = true
        default:
            result = program[id].operation.operands.contains { canBeUnknown($0) }
        }
        memo[id] = result
        return result
    }

    /// Whether the rows list every value of the listed-values field the key is.
    private func covers(_ key: NodeID, _ rows: [LookupRow]) -> Bool {
        guard case .field(let name, _) = program[key].operation, let index = schemas[subject].index(of: name),
              case .enumeration(let values) = schemas[subject].fields[index].type else { return false }
        let listed = Set(rows.flatMap(\.keys))
        return values.allSatisfy(listed.contains)
    }
}
