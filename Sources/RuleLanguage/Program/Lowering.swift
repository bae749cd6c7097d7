internal import Datasets
internal import Diagnostics

/// Turns checked rule files into a `Program`. Runs only after the checker found no error,
/// so every name resolves; identical operations are interned once (hash-consing), which is
/// what lets the engine compute a condition shared by many policies a single time.
public struct Lowering {
    let names: NameTable
    private var nodes: [ProgramNode] = []
    private var index: [Operation: NodeID] = [:]
    /// Named facts and conditions by the node they lowered to (the first name wins).
    private var namedNodes: [NodeID: String] = [:]
    /// Where each shared fact or condition met while lowering is written.
    private var definitionFiles: [String: String] = [:]
    /// Types expressions again, for the units that decide conversions (see UnitLowering.swift).
    var typer: Checker

    public init(names: NameTable) {
        self.names = names
        typer = Checker(names: names)
    }

    public mutating func lower(_ files: [RuleFile]) -> Program {
        var policies: [CompiledPolicy] = []
        for file in files {
            for case .policy(let policy) in file.declarations {
                policies.append(lower(policy, in: file.source))
            }
        }
        var parameters: [String: CompiledParameter] = [:]
        for (name, (parameter, file)) in names.parameters {
            let values = parameter.values.map { value in
                // A value in 万元 of a parameter in 元 is converted exactly, as 预算 is.
                let converted = parameter.unit?.text == "元" && value.unit?.text == "万元"
                let line = file.location(of: value.from.range.lowerBound).line
                return (value.from.value, converted ? Self.yuan(fromWan: value.value.value) : value.value.value, "\(file.name):\(line)")
            }.sorted { $0.0 < $1.0 }
            var compiled = CompiledParameter(name: name, unit: parameter.unit?.text, values: values.map { ($0.0, $0.1) })
            compiled.sources = values.map(\.2)
            parameters[name] = compiled
        }
        var program = Program(nodes: nodes, policies: policies, parameters: parameters)
        program.names = namedNodes
        program.definitionFiles = definitionFiles
        return program
    }

    private mutating func lower(_ policy: PolicyDecl, in source: SourceFile) -> CompiledPolicy {
        var compiled = CompiledPolicy(id: policy.id.text, title: policy.title.value, file: source.name, conditions: [])
        var local: [String: ConditionDecl] = [:]
        for case .condition(let c) in policy.lines { local[c.name.text] = c }
        var subject: DatasetKind?
        for line in policy.lines {
            switch line {
            case .domain(let n): compiled.domain = n.text
            case .department(let s): compiled.department = s.value
            case .basis(let s): compiled.basis = s.value
            case .subject(let n):
                compiled.subject = n.text
                subject = NameTable.subjectKind(n.text)
            case .payee(let n): compiled.payee = n.text
            case .mode(let n): compiled.mode = n.text
            case .validity(let from, let to): compiled.validity = (from.value, to.value)
            case .period(let n): compiled.period = n.text
            case .budget(let amount, let unit):
                compiled.budget = unit?.text == "万元" ? Self.yuan(fromWan: amount.value) : amount.value
            case .exclusive(let group, let priority, let higher): compiled.exclusive = (group.text, priority.value, higher)
            case .version(let v): compiled.version = v.value
            default: break
            }
        }
        let amountDecl = policy.lines.lazy.compactMap { line -> AmountDecl? in
            if case .amount(let amount) = line { return amount }
            return nil
        }.first
        let scope = Scope(subject: subject, local: local, source: source, policy: policy.id.text, amount: amountDecl)
        for case .grantOrder(let field, let direction) in policy.lines {
            if case .field(_, let spec)? = names.resolve(field.text, subject: subject, local: [:]) {
                compiled.grantOrder = GrantOrder(field: spec.name, label: spec.label, descending: direction.text == "降序")
            }
        }
        for line in policy.lines {
            switch line {
            case .useCondition(let name, let premise):
                guard let (shared, file) = names.conditions[name.text] else { continue }
                compiled.conditions.append(condition(shared, scope.in(file), premise: premise))
            case .condition(let c):
                compiled.conditions.append(condition(c, scope, premise: c.premise))
            case .amount(let amount):
                compiled.amount = lowerAmount(amount, scope)
            default:
                break
            }
        }
        return compiled
    }

    struct Scope {
        var subject: DatasetKind?
        var local: [String: ConditionDecl]
        /// The file the expression being lowered was written in.
        var source: SourceFile
        /// The policy being lowered and its amount, for `本项金额`.
        var policy: String?
        var amount: AmountDecl?

        /// The same policy's names, reading a shared definition written in `file`.
        func `in`(_ file: SourceFile) -> Scope {
            Scope(subject: subject, local: local, source: file, policy: policy, amount: amount)
        }
    }

    /// A 金额 line: a formula or tiers, each value in 元, and the cap. Lowering it twice gives the
    /// same nodes (they are interned), which is how `本项金额` learns what its amount reads.
    mutating func lowerAmount(_ amount: AmountDecl, _ scope: Scope) -> CompiledAmount {
        let cap = amount.cap.map { money($0, scope) }
        switch amount.body {
        case .formula(let formula):
            return .formula(money(formula, scope), cap: cap)
        case .tiers(let by, let tiers):
            return .tiers(by: lower(by, scope), tiers.map { tier in
                CompiledTier(
                    lower: tier.lower.value, lowerInclusive: tier.lowerInclusive, upper: tier.upper?.value,
                    upperInclusive: tier.upperInclusive, value: money(tier.value, scope)
                )
            }, cap: cap)
        }
    }

    private mutating func condition(_ c: ConditionDecl, _ scope: Scope, premise: Bool) -> CompiledCondition {
        CompiledCondition(
            name: c.name.text, label: c.label?.value ?? c.name.text, basis: c.basis?.value, node: lower(c.expression, scope),
            premise: premise
        )
    }

    // MARK: Expressions

    mutating func lower(_ expr: Expr, _ scope: Scope) -> NodeID {
        switch expr.kind {
        case .number(let text, let unit): return intern(.number(text, unit: unit?.text))
        case .date(let day): return intern(.date(day))
        case .string(let text): return intern(.text(text))
        case .bool(let b): return intern(.bool(b))
        case .name(let name): return lowerName(name.text, scope)
        case .member(let collection, let field):
            let kind = NameTable.collections[collection.text] ?? .residents
            let spec = NameTable.field(field.text, in: names.schemas[kind])
            return intern(
                .relatedField(kind, spec?.name ?? field.text, scale: spec?.type.scale),
                reads: ["\(collection.text).\(spec?.name ?? field.text)"]
            )
        case .call(let name, let arguments):
            if let builtin = lowerBuiltin(name.text, arguments, scope) { return builtin }
            let operands = arguments.map { lower($0, scope) }
            switch name.text {
            case "周岁", "整年数":
                return intern(.age(operands[0]))
            case "天数":
                return intern(.days(operands[0], operands[1]))
            default:
                let aggregate = Aggregate(rawValue: name.text) ?? .count
                let kind = arguments.first.flatMap { Self.collectionKind(of: $0) } ?? .residents
                let operand = aggregate == .count ? (operands.count > 1 ? operands[1] : nil) : operands.first
                return intern(.aggregate(aggregate, kind, operand))
            }
        case .negate(let operand): return intern(.negate(lower(operand, scope)))
        case .not(let operand): return intern(.not(lower(operand, scope)))
        case .binary(.times, let lhs, let rhs):
            return product(lhs, rhs, scope)
        case .binary(let op, let lhs, let rhs):
            let left = lower(lhs, scope)
            // A bare word compared with an enumerated field is one of its values (学段 = 小学).
            if case .name(let word) = rhs.kind, isEnumerated(lhs, scope), names.resolve(word.text, subject: scope.subject, local: scope.local) == nil {
                return intern(.binary(op, left, intern(.text(word.text))))
            }
            return intern(.binary(op, left, lower(rhs, scope)))
        case .membership(let lhs, let items):
            let left = lower(lhs, scope)
            // Codes written bare against a code field (行业代码 属于 (C, F52)) match as prefixes.
            let prefixes = isIndustry(lhs, scope)
            return intern(.memberOf(left, items.map { item in
                if prefixes, case .name(let name) = item.kind { return .divisionPrefix(name.text) }
                return setItem(item)
            }))
        case .conditional(let condition, let then, let otherwise):
            return intern(.choose(lower(condition, scope), then: lower(then, scope), else: lower(otherwise, scope)))
        case .lookup(let key, let entries, let otherwise):
            return lowerLookup(key, entries, otherwise, scope)
        }
    }

    private mutating func lowerName(_ text: String, _ scope: Scope) -> NodeID {
        if text == NameTable.asOfName { return intern(.asOf) }
        if text == NameTable.ownAmountName { return ownAmount(scope) }
        switch names.resolve(text, subject: scope.subject, local: scope.local) {
        case .localCondition(let c): return named(text, lower(c.expression, scope))
        case .sharedCondition(let c, let file):
            definitionFiles[text] = file.name
            return named(text, lower(c.expression, scope.in(file)))
        case .fact(let f, let file):
            definitionFiles[text] = file.name
            return named(text, lower(f.expression, scope.in(file)))
        case .parameter: return intern(.parameter(text))
        case .field(_, let spec): return intern(.field(spec.name, scale: spec.type.scale), reads: [spec.name])
        case .collection, nil: return intern(.text(text))
        }
    }

    private mutating func named(_ name: String, _ id: NodeID) -> NodeID {
        if namedNodes[id] == nil { namedNodes[id] = name }
        return id
    }

    private func setItem(_ item: Expr) -> SetItem {
        switch item.kind {
        case .name(let name):
            // 二七区, 郑州市, a street or town by name: the codes that start with its code.
            return DivisionNames.prefix(of: name.text, in: names.schemas.divisions).map(SetItem.divisionPrefix) ?? .text(name.text)
        case .string(let text): return .text(text)
        case .number(let text, _): return .text(text)
        default: return .text("")
        }
    }

    func isIndustry(_ expr: Expr, _ scope: Scope) -> Bool {
        guard case .name(let name) = expr.kind,
              case .field(_, let spec) = names.resolve(name.text, subject: scope.subject, local: scope.local) else { return false }
        return spec.type == .industry
    }

    private func isEnumerated(_ expr: Expr, _ scope: Scope) -> Bool {
        guard case .name(let name) = expr.kind,
              case .field(_, let spec) = names.resolve(name.text, subject: scope.subject, local: scope.local) else { return false }
        if case .enumeration = spec.type { return true }
        return false
    }

    /// The related records an aggregate ranges over: the first collection its argument mentions
    /// (任一(证照.证照类型 = … 且 证照.有效期至 >= 评估日) ranges over 证照).
    static func collectionKind(of expr: Expr) -> DatasetKind? {
        switch expr.kind {
        case .name(let name): return NameTable.collections[name.text]
        case .member(let collection, _): return NameTable.collections[collection.text]
        case .call(_, let arguments): return arguments.lazy.compactMap(collectionKind).first
        case .negate(let e), .not(let e): return collectionKind(of: e)
        case .binary(_, let a, let b): return collectionKind(of: a) ?? collectionKind(of: b)
        case .membership(let e, _): return collectionKind(of: e)
        case .conditional, .lookup: return expr.children.lazy.compactMap(collectionKind).first
        default: return nil
        }
    }

    subscript(id: NodeID) -> ProgramNode { nodes[id.index] }

    /// The node for `operation`, created once.
    mutating func intern(_ operation: Operation, reads own: [String] = []) -> NodeID {
        if let existing = index[operation] { return existing }
        var reads = Set(own)
        for operand in operation.operands { reads.formUnion(nodes[operand.index].reads) }
        let id = NodeID(index: nodes.count)
        nodes.append(ProgramNode(operation: operation, reads: reads.sorted()))
        index[operation] = id
        return id
    }
}
