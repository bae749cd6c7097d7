internal import Datasets
internal import RuleLanguage

/// A value a lookup table (取值表) has no row for and no 其他: why a condition is unknown when
/// nothing it read is missing (行业代码 G59 in 小微企业's table, whose thresholds need a 中类).
public struct UnlistedKey: Sendable, Hashable {
    /// The field the table is keyed on (canonical name), or nil when the key is computed.
    public var field: String?
    public var value: String
    /// The fact the table defines (小微企业), when it is one.
    public var table: String?
}

extension ReferenceEvaluator {
    /// The lookup tables under `roots` whose key, for this entity, matches no row: each once, in
    /// the order the program lists its nodes (deterministic).
    func unlistedKeys(under roots: [NodeID], _ entity: EntityFacts, _ asOf: Day) -> [UnlistedKey] {
        var seen: Set<NodeID> = []
        var stack = roots
        while let id = stack.popLast() {
            guard seen.insert(id).inserted else { continue }
            stack.append(contentsOf: program[id].operation.operands)
        }
        var found: [UnlistedKey] = []
        for id in seen.sorted() {
            guard case .lookup(let key, let rows, nil, let prefix) = program[id].operation,
                  case .text(let text) = eval(key, entity, asOf), Self.lookupRow(text, rows, prefix: prefix) == nil
            else { continue }
            var field: String?
            if case .field(let name, _) = program[key].operation { field = name }
            let unlisted = UnlistedKey(field: field, value: text, table: program.names[id])
            if !found.contains(unlisted) { found.append(unlisted) }
        }
        return found
    }
}
