internal import Datasets
internal import Foundation
internal import RuleLanguage

/// Everything decided once before reading a row, for one subject's population: which nodes are
/// computed in which frame (the entity chunk, or the related records of an aggregate), the kind
/// of each node's vector, constants parsed, and per text code the answer of `属于` and the row of
/// a lookup table (so that the hot loops index arrays instead of comparing strings).
struct EnginePlan {
    static let entity = 0, members = 1, licences = 2

    let program: Program
    let asOf: Day
    let columns: SubjectColumns
    let related: [ColumnTable]
    private(set) var dictionary: TextDictionary
    /// Per frame, per node: its kind where the node is computed in that frame.
    private(set) var kinds: [[SlotKind?]]
    /// The (node, frame) pairs to compute, in an order where operands come first.
    private(set) var order: [(node: Int, frame: Int)] = []
    private(set) var unsupported: Set<Int> = []
    private(set) var memberTables: [Int: [Bool]] = [:]
    /// Per code, the node a lookup chooses (-1: unknown).
    private(set) var lookupTables: [Int: [Int32]] = [:]
    private(set) var constants: [Int: (units: Int64, scale: Int)] = [:]
    private(set) var decimalConstants: [Int: Decimal] = [:]
    private(set) var amountKinds: [String: SlotKind] = [:]
    /// Policy ids whose amount is needed (by `本项金额` or as the policy's own amount).
    private var needed: [[Bool]]

    init(program: Program, policies: [CompiledPolicy], asOf: Day, columns: SubjectColumns, set: ColumnSet) {
        self.program = program
        self.asOf = asOf
        self.columns = columns
        related = [ColumnTable(count: 0, columns: [:]), set.residents, set.licences]
        dictionary = set.dictionary
        kinds = Array(repeating: Array(repeating: nil, count: program.nodes.count), count: 3)
        needed = Array(repeating: Array(repeating: false, count: program.nodes.count), count: 3)
        for policy in policies {
            for condition in policy.conditions { need(condition.node.index, Self.entity) }
            if let amount = policy.amount { needAmount(amount) }
        }
        for node in program.nodes.indices {
            for frame in 0..<3 where needed[frame][node] {
                kinds[frame][node] = kind(of: node, in: frame)
                order.append((node, frame))
            }
        }
        buildTables()
    }

    /// The related records of a collection (frame `members` or `licences`); nil when the
    /// collection is missing data (licences never imported): every aggregate over it is unknown.
    func relatedRows(_ frame: Int) -> RelatedRows? {
        frame == Self.licences ? columns.licences : columns.members
    }

    // MARK: What is computed where

    private mutating func need(_ node: Int, _ frame: Int) {
        guard !needed[frame][node] else { return }
        needed[frame][node] = true
        let operation = program.nodes[node].operation
        if frame != Self.entity, Self.entityOnly(operation) {
            need(node, Self.entity)
            return
        }
        switch operation {
        case .aggregate(_, let kind, let operand?):
            need(operand.index, kind == .licences ? Self.licences : Self.members)
        case .ownAmount(let id):
            if let amount = program.policy(id)?.amount { needAmount(amount) }
        default:
            for operand in operation.operands { need(operand.index, frame) }
        }
    }

    private mutating func needAmount(_ amount: CompiledAmount) {
        for node in amount.nodes { need(node.index, Self.entity) }
    }

    /// Operations whose value belongs to the entity: inside an aggregate they are broadcast to
    /// each related record (the reference reads them from the entity there too).
    static func entityOnly(_ operation: RuleLanguage.Operation) -> Bool {
        switch operation {
        case .field, .aggregate, .validLicence, .ownAmount: true
        default: false
        }
    }

    func isBroadcast(_ node: Int, _ frame: Int) -> Bool {
        frame != Self.entity && Self.entityOnly(program.nodes[node].operation)
    }

    // MARK: Kinds

    private mutating func kind(of node: Int, in frame: Int) -> SlotKind {
        let result = computeKind(node, frame)
        if result == nil { unsupported.insert(node) }
        return result ?? .unknown
    }

    private func k(_ id: NodeID, _ frame: Int) -> SlotKind { kinds[frame][id.index] ?? .unknown }

    static func columnKind(_ column: LoadedColumn?, scale: Int?) -> SlotKind {
        guard let column else { return .unknown }
        switch column.type {
        case .integer: return .fixed(0)
        case .decimal: return .fixed(scale ?? 0)
        case .bool: return .bool
        case .date: return .date
        default: return .code
        }
    }

    private mutating func computeKind(_ node: Int, _ frame: Int) -> SlotKind? {
        switch program.nodes[node].operation {
        case .field(let name, let scale):
            return Self.columnKind(columns.fields.columns[name], scale: scale)
        case .relatedField(let kind, let name, let scale):
            if frame == Self.entity { return .list(kind == .licences ? .licences : .members) }
            return Self.columnKind(related[frame].columns[name], scale: scale)
        case .number(let text, _):
            return constant(node, text)
        case .parameter(let name):
            guard let current = program.parameters[name]?.values.last(where: { $0.from <= asOf }) else { return .unknown }
            return constant(node, current.value)
        case .date, .asOf: return .date
        case .text(let text):
            constants[node] = (dictionary.code(text), 0)
            return .code
        case .bool: return .bool
        case .age(let a): return k(a, frame) == .date ? .fixed(0) : .unknown
        case .days(let a, let b): return k(a, frame) == .date && k(b, frame) == .date ? .fixed(0) : .unknown
        case .aggregate(let aggregate, let kind, let operand):
            guard let operand else { return aggregate == .count ? .fixed(0) : .unknown }
            let inner = k(operand, kind == .licences ? Self.licences : Self.members)
            switch aggregate {
            case .count: return .fixed(0)
            case .sum: return inner.isNumber ? (SlotKind.unify([inner]) ?? .decimal) : .fixed(0)
            case .max, .min: return inner.isNumber ? (SlotKind.unify([inner]) ?? .decimal) : (inner == .date ? .date : .unknown)
            case .any, .all: return .bool
            }
        case .negate(let a): return k(a, frame).isNumber ? (SlotKind.unify([k(a, frame)]) ?? .decimal) : .unknown
        case .not, .memberOf, .present, .validLicence: return .bool
        case .binary(let op, let a, let b):
            return binaryKind(op, k(a, frame), k(b, frame))
        case .choose(_, let a, let b):
            return SlotKind.unify([k(a, frame), k(b, frame)])
        case .convert(let a, let conversion):
            switch k(a, frame) {
            case .fixed(let s): return conversion == .percentToFraction ? (s + 2 > SlotKind.maxScale ? .decimal : .fixed(s + 2)) : .fixed(s)
            case .decimal, .quotient: return .decimal
            default: return .unknown
            }
        case .extreme(_, let operands):
            let all = operands.map { k($0, frame) }
            if all.allSatisfy(\.isNumber) { return SlotKind.unify(all) }
            return all.allSatisfy { $0 == .date } ? .date : .unknown
        case .ownAmount(let id):
            guard let amount = program.policy(id)?.amount else { return .unknown }
            return amountKind(amount)
        case .lookup(let key, let rows, let otherwise, _):
            guard k(key, frame) == .code else { return .unknown }
            return SlotKind.unify(rows.map { k($0.value, frame) } + (otherwise.map { [k($0, frame)] } ?? []))
        }
    }

    private mutating func constant(_ node: Int, _ text: String) -> SlotKind {
        if let fixed = parseFixed(text) {
            constants[node] = fixed
            return .fixed(fixed.scale)
        }
        guard let value = Decimal(string: text) else { return .unknown }
        decimalConstants[node] = value
        return .decimal
    }

    private func binaryKind(_ op: BinaryOperator, _ a: SlotKind, _ b: SlotKind) -> SlotKind {
        switch op {
        case .and, .or: return .bool
        case .plus, .minus, .times, .divide:
            guard a.isNumber, b.isNumber else { return .unknown }
            guard case .fixed(let x) = a, case .fixed(let y) = b else { return .decimal }
            if op == .divide { return .quotient(num: x, den: y) }
            let scale = op == .times ? x + y : max(x, y)
            return scale > SlotKind.maxScale ? .decimal : .fixed(scale)
        default:
            return .bool
        }
    }

    /// The kind of a policy's amount before rounding: its formula or tier values (and 0 when no
    /// tier matches), and its cap.
    func amountKind(_ amount: CompiledAmount) -> SlotKind {
        let kinds: [SlotKind] = switch amount {
        case .formula(let node, let cap): [k(node, Self.entity)] + (cap.map { [k($0, Self.entity)] } ?? [])
        case .tiers(_, let tiers, let cap): [.fixed(0)] + tiers.map { k($0.value, Self.entity) } + (cap.map { [k($0, Self.entity)] } ?? [])
        }
        guard kinds.allSatisfy(\.isNumber), let kind = SlotKind.unify(kinds) else { return .unknown }
        return kind
    }

    // MARK: Tables over text codes

    private mutating func buildTables() {
        let strings = dictionary.strings
        for (node, frame) in order {
            switch program.nodes[node].operation {
            case .memberOf(let operand, let items) where kinds[frame][operand.index] == .code && memberTables[node] == nil:
                memberTables[node] = strings.map { text in
                    items.contains { item in
                        switch item {
                        case .text(let t): text == t
                        case .divisionPrefix(let prefix): text.hasPrefix(prefix)
                        }
                    }
                }
            case .memberOf(let operand, let items) where kinds[frame][operand.index]?.isNumber == true:
                // Numbers listed as written, compared exactly: each must be a plain decimal.
                for case .text(let t) in items where parseFixed(t) == nil && Decimal(string: t) != nil { unsupported.insert(node) }
            case .lookup(_, let rows, let otherwise, let prefix) where lookupTables[node] == nil:
                lookupTables[node] = strings.map { text in
                    if let row = ReferenceEvaluator.lookupRow(text, rows, prefix: prefix) { return Int32(row.value.index) }
                    return Int32(otherwise?.index ?? -1)
                }
            default:
                break
            }
        }
    }

    /// Whether the columnar kernels compute this policy exactly; if not, the reference
    /// evaluator decides it entity by entity.
    func supports(_ policy: CompiledPolicy) -> Bool {
        guard !unsupported.isEmpty else { return true }
        var seen: Set<Int> = []
        var stack = policy.conditions.map(\.node.index) + (policy.amount?.nodes.map(\.index) ?? [])
        while let node = stack.popLast() {
            guard seen.insert(node).inserted else { continue }
            if unsupported.contains(node) { return false }
            let operation = program.nodes[node].operation
            stack.append(contentsOf: operation.operands.map(\.index))
            if case .ownAmount(let id) = operation, let amount = program.policy(id)?.amount {
                stack.append(contentsOf: amount.nodes.map(\.index))
            }
        }
        return true
    }
}
