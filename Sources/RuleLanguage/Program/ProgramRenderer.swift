public import Datasets

/// Writes program nodes back as readable Chinese formulas (`周岁(出生日期) >= 80`), for
/// `rules show` and for the canonical text a review approval is bound to.
public struct ProgramRenderer: Sendable {
    public let program: Program
    public let schemas: SchemaSet

    /// Show named facts and conditions by name (for people); the canonical text an approval
    /// binds to always expands them, so editing a shared definition voids the approvals.
    public let showsNames: Bool

    public init(program: Program, schemas: SchemaSet, showsNames: Bool = false) {
        self.program = program
        self.schemas = schemas
        self.showsNames = showsNames
    }

    public func render(_ id: NodeID) -> String {
        if showsNames, let name = program.names[id] { return name }
        return definition(id)
    }

    /// The formula of a node itself, even when it is a named fact or condition.
    public func definition(_ id: NodeID) -> String {
        switch program[id].operation {
        case .field(let name, _): return label(name, in: [.residents, .enterprises])
        case .relatedField(let kind, let name, _):
            return (kind == .licences ? "证照" : "家庭成员") + "." + label(name, in: [kind])
        // People read a literal with its unit (参保职工人数 <= 30 人); the canonical text keeps the
        // bare number it always had, so approvals of unchanged policies stay valid.
        case .number(let text, let unit): return showsNames ? text + (unit.map { " " + $0 } ?? "") : text
        case .date(let day): return day.description
        case .text(let text): return text
        case .bool(let b): return b ? "是" : "否"
        case .parameter(let name): return name
        case .age(let operand): return "周岁(\(render(operand)))"
        case .asOf: return "评估日"
        case .days(let a, let b): return "天数(\(render(a)), \(render(b)))"
        case .aggregate(let aggregate, let kind, let operand):
            let collection = kind == .licences ? "证照" : "家庭成员"
            if aggregate == .count {
                return "计数(\(collection)\(operand.map { ", " + render($0) } ?? ""))"
            }
            return "\(aggregate.rawValue)(\(operand.map(render) ?? collection))"
        case .negate(let operand): return "-\(wrapped(operand))"
        case .not(let operand): return "非 \(wrapped(operand))"
        case .binary(let op, let lhs, let rhs):
            guard showsNames else { return "\(wrapped(lhs)) \(op.rawValue) \(wrapped(rhs))" }
            // For people: brackets only where precedence needs them (a 或 b 或 c, x >= 1 且 y < 2).
            let own = Self.precedence(op)
            let associative = op == .and || op == .or || op == .plus || op == .times
            let left = precedence(lhs) < own ? "(\(render(lhs)))" : render(lhs)
            let right = precedence(rhs) < own || (!associative && precedence(rhs) == own) ? "(\(render(rhs)))" : render(rhs)
            return "\(left) \(op.rawValue) \(right)"
        case .memberOf(let operand, let items):
            let names = items.map { item -> String in
                switch item {
                case .text(let t): t
                case .divisionPrefix(let prefix): prefix == "410103" ? "二七区" : prefix == "4101" ? "郑州市"
                    : schemas.divisions.name(of: prefix) ?? prefix
                }
            }
            return "\(wrapped(operand)) 属于 " + (names.count == 1 ? names[0] : "(\(names.joined(separator: ", ")))")
        case .choose(let condition, let then, let otherwise):
            return conditional(condition, then, otherwise, branch: render)
        case .convert(let operand, let conversion):
            // A literal written in the unit it is converted from already shows it: 60 %, 50 万元.
            if showsNames, literalUnit(operand) == conversion.rawValue { return render(operand) }
            return "\(wrapped(operand)) \(conversion.rawValue)"
        case .present(let field, let filled):
            return "\(filled ? "已填" : "未填")(\(render(field)))"
        case .extreme(let largest, let operands):
            return "\(largest ? "最大" : "最小")(\(operands.map(render).joined(separator: ", ")))"
        case .validLicence(let type):
            return "持有有效证照(\(type))"
        case .ownAmount:
            return NameTable.ownAmountName
        case .lookup(let key, let rows, let otherwise, _):
            return "按 \(render(key)) 取值（\(lookupRows(rows, otherwise).joined(separator: "；"))）"
        }
    }

    /// The rows of a lookup table, `键：值`, and what every other key gives (其他, or 未知).
    private func lookupRows(_ rows: [LookupRow], _ otherwise: NodeID?) -> [String] {
        rows.map { "\($0.keys.joined(separator: ", "))：\(render($0.value))" }
            + [otherwise.map { "其他：\(render($0))" } ?? "未列出的：未知"]
    }

    /// How tightly an operator binds, as the parser reads it: 或 < 且 < 非 < comparisons and
    /// 属于 < + - < * /; a conditional is loosest, leaves are tightest.
    static func precedence(_ op: BinaryOperator) -> Int {
        switch op {
        case .or: 1
        case .and: 2
        case .equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual: 4
        case .plus, .minus: 5
        case .times, .divide: 6
        }
    }

    private func precedence(_ id: NodeID) -> Int {
        if program.names[id] != nil { return 9 }
        switch program[id].operation {
        case .binary(let op, _, _): return Self.precedence(op)
        case .not: return 3
        case .memberOf: return 4
        case .choose: return 0
        default: return 9
        }
    }

    /// A long 或 of alternatives, one per line (for `rules show`): the first, then “或 …”.
    public func alternatives(_ id: NodeID) -> [String] {
        // A lookup table of more than two rows reads as a table: the key, then a row per line.
        if case .lookup(let key, let rows, let otherwise, _) = program[id].operation, rows.count > 2 {
            return ["按 \(render(key)) 取值："] + lookupRows(rows, otherwise)
        }
        let root = id
        var parts: [NodeID] = []
        func flatten(_ id: NodeID) {
            if case .binary(.or, let l, let r) = program[id].operation, program.names[id] == nil || id == root {
                flatten(l)
                flatten(r)
            } else {
                parts.append(id)
            }
        }
        flatten(id)
        guard parts.count > 2 else { return [definition(id)] }
        return parts.enumerated().map { index, part in
            let text = precedence(part) <= 1 ? "(\(render(part)))" : render(part)
            return index == 0 ? text : "或 " + text
        }
    }

    private func wrapped(_ id: NodeID) -> String {
        if showsNames { return precedence(id) < 9 ? "(\(render(id)))" : render(id) }
        switch program[id].operation {
        case .binary, .memberOf, .choose: return "(\(render(id)))"
        default: return render(id)
        }
    }

    /// `若 条件 则 甲 否则 乙` as written: a conditional nested in the else branch reads on, one
    /// in the condition or the then branch is bracketed.
    private func conditional(_ condition: NodeID, _ then: NodeID, _ otherwise: NodeID, branch: (NodeID) -> String) -> String {
        func bracketed(_ id: NodeID, _ text: String) -> String {
            if case .choose = program[id].operation { return "(\(text))" }
            return text
        }
        return "若 \(bracketed(condition, render(condition))) 则 \(bracketed(then, branch(then))) 否则 \(branch(otherwise))"
    }

    /// An amount with its unit: `… 元`, or `… 万元` for one converted from 万元, per branch of a conditional.
    /// For people the result is always in 元: a formula computed in 万元 shows its `* 10000`
    /// (失业保险缴费（万元） * 60 % * 10000 元); a literal keeps the unit it was written in (50 万元).
    private func money(_ id: NodeID) -> String {
        switch program[id].operation {
        case .convert(let operand, .wanToYuan):
            guard showsNames else { return "\(render(operand)) 万元" }
            if literalUnit(operand) == "万元" { return render(operand) }
            let text = precedence(operand) < Self.precedence(.times) ? "(\(render(operand)))" : render(operand)
            return "\(text) * 10000 元"
        case .choose(let condition, let then, let otherwise): return conditional(condition, then, otherwise, branch: money)
        default:
            let text = render(id)
            // 计数(…) * 3600 元 already ends in its unit.
            return showsNames && text.hasSuffix(" 元") ? text : "\(text) 元"
        }
    }

    /// The unit written after a number literal; nil for anything else.
    private func literalUnit(_ id: NodeID) -> String? {
        if case .number(_, let unit) = program[id].operation { return unit }
        return nil
    }

    private func label(_ name: String, in kinds: [DatasetKind]) -> String {
        for kind in kinds {
            if let field = schemas[kind].fields.first(where: { $0.name == name }) { return field.label }
        }
        return name
    }

    /// Everything a review approves, in one canonical text: metadata, each condition with its
    /// formula and basis, the amount, and the dated values of the parameters it uses. Editing
    /// any of it (or a shared condition it uses) changes the text and so voids approvals.
    public func canonicalText(of policy: CompiledPolicy) -> String {
        var lines = [
            "政策 \(policy.id) \(policy.title)", "领域 \(policy.domain ?? "")", "部门 \(policy.department ?? "")",
            "依据 \(policy.basis ?? "")", "对象 \(policy.subject ?? "")", "领取人 \(policy.payee ?? "")",
            "方式 \(policy.mode ?? "")", "有效期 \(policy.validity.map { "\($0.from) 至 \($0.to)" } ?? "")",
            "周期 \(policy.period ?? "")", "预算 \(policy.budget ?? "")",
            "互斥 \(policy.exclusive.map { "\($0.group) 优先级 \($0.priority)\($0.higherWins ? " 就高" : "")" } ?? "")",
            "版本 \(policy.version ?? "")",
        ]
        // Written only where a policy declares it, so the text of every other policy is unchanged.
        if let order = policy.grantOrder { lines.append("发放顺序 \(order.text)") }
        for condition in policy.conditions {
            lines.append("\(condition.premise ? "前提" : "条件") \(condition.name) “\(condition.label)” 依据 “\(condition.basis ?? "")”：\(render(condition.node))")
        }
        if let amount = policy.amount { lines.append("金额 " + render(amount)) }
        for name in parameters(usedBy: policy) {
            let values = program.parameters[name]?.values.map { "自 \($0.from) 起 \($0.value)" } ?? []
            lines.append("参数 \(name)：\(values.joined(separator: "；"))")
        }
        return lines.joined(separator: "\n")
    }

    /// The named facts and conditions a formula refers to, directly or through each other, in
    /// the order they are first met: what a reader needs beside a formula shown with names.
    /// `expanded` roots are shown by their formula (a policy's condition lines), `other` roots
    /// by name where they have one (amounts).
    public func namedDefinitions(expanded: [NodeID], other: [NodeID] = []) -> [(name: String, node: NodeID)] {
        var out: [(String, NodeID)] = []
        var seen: Set<NodeID> = []
        func visit(_ id: NodeID, top: Bool) {
            guard seen.insert(id).inserted else { return }
            if !top, let name = program.names[id] {
                out.append((name, id))
            }
            for operand in program[id].operation.operands { visit(operand, top: false) }
        }
        for root in expanded { visit(root, top: true) }
        for root in other { visit(root, top: false) }
        return out
    }

    /// The nodes of a policy's amount: formula or tier key and values, and the cap.
    public func amountRoots(_ amount: CompiledAmount?) -> [NodeID] {
        amount?.nodes ?? []
    }

    /// The dated parameters a policy reads, through its conditions and its amount, sorted.
    public func parameters(usedBy policy: CompiledPolicy) -> [String] {
        parameters(reachableFrom: policy.conditions.map(\.node) + amountRoots(policy.amount))
    }

    /// The dated parameters the formulas at `roots` read, directly or through named facts, sorted.
    public func parameters(reachableFrom roots: [NodeID]) -> [String] {
        var roots = roots
        var seen: Set<NodeID> = []
        var names: Set<String> = []
        while let id = roots.popLast() {
            guard seen.insert(id).inserted else { continue }
            if case .parameter(let name) = program[id].operation { names.insert(name) }
            roots += program[id].operation.operands
        }
        return names.sorted()
    }

    public func render(_ amount: CompiledAmount) -> String {
        switch amount {
        case .formula(let node, let cap):
            return money(node) + (cap.map { "，上限 \(money($0))" } ?? "")
        case .tiers(let by, let tiers, let cap):
            let parts = tiers.map { tier in
                let open = tier.lowerInclusive ? "[" : "("
                let close = tier.upperInclusive ? "]" : ")"
                return "\(open)\(tier.lower), \(tier.upper ?? "以上")\(close) \(money(tier.value))"
            }
            return "按 \(render(by)) 分档：" + parts.joined(separator: "；") + (cap.map { "；上限 \(money($0))" } ?? "")
        }
    }
}
