public import Datasets

/// Writes program nodes back as readable Chinese formulas (`周岁(出生日期) >= 80`), for
/// `rules show` and for the canonical text a review approval is bound to.
public struct ProgramRenderer: Sendable {
    public let program: Program
    public let schemas: SchemaSet

    public init(program: Program, schemas: SchemaSet) {
        self.program = program
        self.schemas = schemas
    }

    public func render(_ id: NodeID) -> String {
        switch program[id].operation {
        case .field(let name, _): return label(name, in: [.residents, .enterprises])
        case .relatedField(let kind, let name, _):
            return (kind == .licences ? "证照" : "家庭成员") + "." + label(name, in: [kind])
        case .number(let text): return text
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
        case .binary(let op, let lhs, let rhs): return "\(wrapped(lhs)) \(op.rawValue) \(wrapped(rhs))"
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
            return "\(wrapped(operand)) \(conversion.rawValue)"
        }
    }

    private func wrapped(_ id: NodeID) -> String {
        switch program[id].operation {
        case .binary, .memberOf, .choose: "(\(render(id)))"
        default: render(id)
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
    private func money(_ id: NodeID) -> String {
        switch program[id].operation {
        case .convert(let operand, .wanToYuan): "\(render(operand)) 万元"
        case .choose(let condition, let then, let otherwise): conditional(condition, then, otherwise, branch: money)
        default: "\(render(id)) 元"
        }
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
        for condition in policy.conditions {
            lines.append("条件 \(condition.name) “\(condition.label)” 依据 “\(condition.basis ?? "")”：\(render(condition.node))")
        }
        if let amount = policy.amount { lines.append("金额 " + render(amount)) }
        for name in parameters(usedBy: policy) {
            let values = program.parameters[name]?.values.map { "自 \($0.from) 起 \($0.value)" } ?? []
            lines.append("参数 \(name)：\(values.joined(separator: "；"))")
        }
        return lines.joined(separator: "\n")
    }

    /// The dated parameters a policy reads, through its conditions and its amount, sorted.
    public func parameters(usedBy policy: CompiledPolicy) -> [String] {
        var roots = policy.conditions.map(\.node)
        switch policy.amount {
        case .formula(let node, let cap)?:
            roots.append(node)
            roots += cap.map { [$0] } ?? []
        case .tiers(let by, let tiers, let cap)?:
            roots += [by] + tiers.map(\.value) + (cap.map { [$0] } ?? [])
        case nil:
            break
        }
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
