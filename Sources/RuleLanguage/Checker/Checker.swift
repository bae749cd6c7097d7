public import Datasets
public import Diagnostics

/// Resolves names and checks types across all rule files against the data schemas. Like the
/// earlier stages it records every problem and goes on (an erroneous expression has type
/// `.error`, which is accepted everywhere, so one mistake is reported once).
public struct Checker {
    public let schemas: SchemaSet
    public private(set) var diagnostics = DiagnosticBag()
    /// While a shared condition is checked for one policy: which policy and where it is used.
    private var usedBy: String?

    private var sources: [String: SourceFile] = [:]
    /// The shared definitions of every file, filled by `check`.
    public private(set) var names: NameTable
    /// Facts being typed, to stop at a cycle instead of looping.
    var typing: Set<String> = []
    /// Shared conditions and facts already checked, so that the rest are checked on their own.
    var checkedDefinitions: Set<String> = []
    /// How deeply expressions are being typed, counting the facts they use (see `enterInlined`).
    var inlinedDepth = 0
    /// Whether E107 was reported for facts nested too deeply, to report it once.
    var reportedInlinedDepth = false

    /// Built-in functions, with the type of their result given their arguments.
    static let functions = ["周岁", "整年数", "天数", "计数", "合计", "任一", "所有", "最大", "最小", "已填", "未填", "持有有效证照"]
    static let allowed: [Keyword: [String]] = [
        .domain: ["惠农", "助学", "助医", "养老", "育幼", "扶弱", "助残", "惠企"],
        .subject: ["居民", "家庭", "企业"],
        .payee: ["本人", "户主", "监护人"],
        .mode: ["直接兑现", "依申请", "提醒"],
        .period: ["月", "年", "一次性"],
        .grantOrder: ["升序", "降序"],
    ]

    public init(schemas: SchemaSet) {
        self.schemas = schemas
        names = NameTable(schemas: schemas)
    }

    /// A checker over definitions already checked, to type expressions again (the lowering asks
    /// for units this way, so that units are computed by one set of rules).
    init(names: NameTable) {
        schemas = names.schemas
        self.names = names
    }

    /// Checks a set of parsed files together (shared definitions are visible to every policy).
    public mutating func check(_ files: [RuleFile]) {
        var policies: [String: SourceLocation] = [:]
        for file in files {
            sources[file.source.name] = file.source
            for declaration in file.declarations {
                switch declaration {
                case .condition(let c):
                    if isNew(c.name, kind: "条件", in: file.source) { names.conditions[c.name.text] = (c, file.source) }
                case .fact(let f):
                    if isNew(f.name, kind: "事实", in: file.source) { names.facts[f.name.text] = (f, file.source) }
                case .parameter(let p):
                    if isNew(p.name, kind: "参数", in: file.source) { names.parameters[p.name.text] = (p, file.source) }
                    checkParameterUnits(p, in: file.source)
                case .policy(let policy):
                    let here = file.source.location(of: policy.id.range.lowerBound)
                    if let first = policies[policy.id.text] {
                        report(CheckerMessage.duplicate("政策编号", policy.id.text, at: here, length: policy.id.text.count, first: first))
                    } else {
                        policies[policy.id.text] = here
                    }
                }
            }
        }
        var groups: [String: [(policy: PolicyDecl, priority: String, higherWins: Bool, source: SourceFile)]] = [:]
        for file in files {
            for case .policy(let policy) in file.declarations {
                checkPolicy(policy, in: file.source)
                checkRepeatedLines(policy, in: file.source)
                checkHasConditions(policy, in: file.source)
                for case .exclusive(let group, let priority, let higherWins) in policy.lines {
                    groups[group.text, default: []].append((policy, priority.value, higherWins, file.source))
                }
            }
        }
        checkUnreadDefinitions()
        for (group, members) in groups.sorted(by: { $0.key < $1.key }) {
            for (i, member) in members.enumerated() {
                guard let other = members[..<i].first(where: { $0.priority == member.priority }),
                      !(member.higherWins && other.higherWins) else { continue }
                report(CheckerMessage.exclusiveTie(
                    group, other.policy.id.text, at: member.source.location(of: member.policy.id.range.lowerBound),
                    length: member.policy.id.text.count
                ))
            }
        }
    }

    /// True when no condition, fact or parameter has this name yet; otherwise reports E205.
    private mutating func isNew(_ name: Name, kind: String, in source: SourceFile) -> Bool {
        let existing = names.conditions[name.text].map { $0.1.location(of: $0.0.name.range.lowerBound) }
            ?? names.facts[name.text].map { $0.1.location(of: $0.0.name.range.lowerBound) }
            ?? names.parameters[name.text].map { $0.1.location(of: $0.0.name.range.lowerBound) }
        guard let existing else { return true }
        report(CheckerMessage.duplicate(kind, name.text, at: source.location(of: name.range.lowerBound), length: name.text.count, first: existing))
        return false
    }

    // MARK: Policies

    /// What names mean inside one policy.
    struct Scope {
        var subject: DatasetKind?
        var local: [String: ConditionDecl] = [:]
        var source: SourceFile
        /// Whether `本项金额` may be read here (see BuiltinTypes.swift).
        var ownAmount: OwnAmountUse = .unavailable
    }

    private mutating func checkPolicy(_ policy: PolicyDecl, in source: SourceFile) {
        var scope = Scope(subject: nil, source: source)
        if policy.lines.contains(where: { if case .amount = $0 { return true } else { return false } }) {
            scope.ownAmount = .available
        }
        var seen: Set<String> = []
        for line in policy.lines {
            switch line {
            case .domain(let n): checkAllowed(.domain, n, source)
            case .subject(let n):
                checkAllowed(.subject, n, source)
                // An unknown subject was reported; names are then looked up in every schema.
                scope.subject = NameTable.subjectKind(n.text)
            case .payee(let n): checkAllowed(.payee, n, source)
            case .mode(let n): checkAllowed(.mode, n, source)
            case .period(let n): checkAllowed(.period, n, source)
            case .budget(_, let unit?) where unit.text != "元" && unit.text != "万元":
                report(CheckerMessage.typeMismatch(
                    expected: "金额（元）", found: .number(unit: unit.text), at: source.location(of: unit.range.lowerBound),
                    length: unit.text.count, hint: "预算以元或万元计，例如 预算 500 万元。"
                ))
            case .condition(let c):
                if scope.local[c.name.text] != nil || names.conditions[c.name.text] != nil {
                    let first = scope.local[c.name.text].map { source.location(of: $0.name.range.lowerBound) }
                        ?? names.conditions[c.name.text].map { $0.1.location(of: $0.0.name.range.lowerBound) }
                    if let first {
                        report(CheckerMessage.duplicate("条件", c.name.text, at: source.location(of: c.name.range.lowerBound), length: c.name.text.count, first: first))
                    }
                }
                scope.local[c.name.text] = c
            default: break
            }
            seen.insert(Self.lineKey(line))
        }
        let idLocation = source.location(of: policy.id.range.lowerBound)
        for (key, word) in [("subject", "对象"), ("mode", "方式"), ("domain", "领域")] where !seen.contains(key) {
            report(CheckerMessage.missingLine(word, policy: policy.id.text, at: idLocation, length: policy.id.text.count))
        }
        if !policy.lines.contains(where: { if case .basis = $0 { return true } else { return false } }) {
            report(CheckerMessage.missingBasis(policy.id.text, at: idLocation, length: policy.id.text.count))
        }
        checkParameterWindows(policy, scope)
        for line in policy.lines {
            switch line {
            case .useCondition(let name, _):
                if names.conditions[name.text] == nil, scope.local[name.text] == nil {
                    let closest = Suggest.closest(to: name.text, among: Array(names.conditions.keys) + Array(scope.local.keys))
                    report(CheckerMessage.unknownName(name.text, at: source.location(of: name.range.lowerBound), length: name.text.count, closest: closest))
                } else if let (shared, file) = names.conditions[name.text] {
                    checkedDefinitions.insert(name.text)
                    var sharedScope = Scope(subject: scope.subject, source: file, ownAmount: scope.ownAmount)
                    // An error inside the shared definition is reported there; say which use caused it.
                    usedBy = "在政策 \(policy.id.text)（\(source.location(of: name.range.lowerBound))）中引用时"
                    expectBool(shared.expression, &sharedScope)
                    usedBy = nil
                }
            case .condition(let c):
                expectBool(c.expression, &scope)
                checkSatisfiable(c.expression, scope)
            case .amount(let amount):
                checkAmount(amount, &scope)
            case .grantOrder(let field, let direction):
                checkGrantOrder(field: field, direction: direction, scope)
            default:
                break
            }
        }
    }

    /// Every dated parameter a policy uses must have a value from the first day it is valid.
    private mutating func checkParameterWindows(_ policy: PolicyDecl, _ scope: Scope) {
        guard let from = policy.lines.compactMap({ line -> Literal<Day>? in
            if case .validity(let from, _) = line { return from }
            return nil
        }).first else { return }
        var used: Set<String> = []
        var visited: Set<String> = []
        func collect(_ expr: Expr) {
            switch expr.kind {
            case .name(let name):
                guard visited.insert(name.text).inserted else { return }
                switch names.resolve(name.text, subject: scope.subject, local: scope.local) {
                case .parameter: used.insert(name.text)
                case .fact(let f, _): collect(f.expression)
                case .sharedCondition(let c, _), .localCondition(let c): collect(c.expression)
                default: break
                }
            case .call(_, let args): args.forEach(collect)
            case .negate(let e), .not(let e): collect(e)
            case .binary(_, let a, let b):
                collect(a)
                collect(b)
            case .membership(let e, let items):
                collect(e)
                items.forEach(collect)
            case .conditional, .lookup: expr.children.forEach(collect)
            default: break
            }
        }
        for line in policy.lines {
            switch line {
            case .condition(let c): collect(c.expression)
            case .useCondition(let n, _): collect(Expr(kind: .name(n), range: n.range))
            case .amount(let amount):
                if let cap = amount.cap { collect(cap) }
                switch amount.body {
                case .formula(let f): collect(f)
                case .tiers(let by, let tiers):
                    collect(by)
                    tiers.forEach { collect($0.value) }
                }
            default: break
            }
        }
        for name in used.sorted() {
            guard let (parameter, _) = names.parameters[name],
                  let first = parameter.values.map(\.from.value).min(), first > from.value else { continue }
            report(CheckerMessage.parameterGap(
                name, first: first.description, validFrom: from.value.description,
                at: scope.source.location(of: from.range.lowerBound), length: 10
            ))
        }
    }

    /// Comparisons of one quantity with numbers, joined by 且, that no value satisfies together
    /// (周岁 >= 80 且 周岁 < 60).
    private mutating func checkSatisfiable(_ expr: Expr, _ scope: Scope) {
        var conjuncts: [Expr] = []
        func flatten(_ e: Expr) {
            if case .binary(.and, let a, let b) = e.kind {
                flatten(a)
                flatten(b)
            } else {
                conjuncts.append(e)
            }
        }
        flatten(expr)
        // Per left-hand side (as written): the tightest lower and upper bounds.
        var bounds: [String: (low: Double, lowStrict: Bool, high: Double, highStrict: Bool)] = [:]
        for c in conjuncts {
            guard case .binary(let op, let lhs, let rhs) = c.kind, case .number(let text, _) = rhs.kind,
                  let value = Double(text) else { continue }
            let key = scope.source.text(lhs.range)
            var b = bounds[key] ?? (-.infinity, false, .infinity, false)
            switch op {
            case .greater, .greaterEqual:
                if value > b.low || (value == b.low && op == .greater) { b.low = value; b.lowStrict = op == .greater }
            case .less, .lessEqual:
                if value < b.high || (value == b.high && op == .less) { b.high = value; b.highStrict = op == .less }
            case .equal:
                if value > b.low { b.low = value; b.lowStrict = false }
                if value < b.high { b.high = value; b.highStrict = false }
            default: continue
            }
            bounds[key] = b
            if b.low > b.high || (b.low == b.high && (b.lowStrict || b.highStrict)) {
                report(CheckerMessage.neverHolds(
                    "“\(key)”不能同时满足这些比较", at: scope.source.location(of: expr.range.lowerBound),
                    length: scope.source.characterCount(expr.range)
                ))
                return
            }
        }
    }

    static func lineKey(_ line: PolicyLine) -> String {
        switch line {
        case .subject: "subject"
        case .mode: "mode"
        case .domain: "domain"
        default: "other"
        }
    }

    mutating func checkAllowed(_ keyword: Keyword, _ name: Name, _ source: SourceFile) {
        guard let allowed = Self.allowed[keyword], !allowed.contains(name.text) else { return }
        report(CheckerMessage.notAllowed(
            keyword.rawValue, name.text, allowed: allowed, at: source.location(of: name.range.lowerBound),
            length: name.text.count, closest: Suggest.closest(to: name.text, among: allowed)
        ))
    }

    private mutating func checkAmount(_ amount: AmountDecl, _ scope: inout Scope) {
        let ownAmount = scope.ownAmount
        scope.ownAmount = .insideAmount
        defer { scope.ownAmount = ownAmount }
        switch amount.body {
        case .formula(let formula):
            expectMoney(formula, &scope)
        case .tiers(let by, let tiers):
            let byType = type(of: by, &scope)
            if !byType.isNumber, byType != .error {
                report(CheckerMessage.typeMismatch(expected: "数值", found: byType, at: location(by, scope), length: length(by, scope)))
            }
            var previous: Tier?
            for tier in tiers {
                expectMoney(tier.value, &scope)
                if let previous {
                    let contiguous = previous.upper?.value == tier.lower.value && previous.upperInclusive != tier.lowerInclusive
                    if !contiguous {
                        let what = previous.upper.map { upper in
                            Self.decimal(upper.value) > Self.decimal(tier.lower.value) || (upper.value == tier.lower.value && previous.upperInclusive)
                                ? "与上一档重叠" : "与上一档之间有空缺"
                        } ?? "在“以上”之后还有档位"
                        report(CheckerMessage.tierGap(what, at: scope.source.location(of: tier.range.lowerBound), length: 1))
                    }
                }
                previous = tier
            }
        }
        if let cap = amount.cap { expectMoney(cap, &scope) }
    }

    static func decimal(_ text: String) -> Double { Double(text) ?? 0 }

    // MARK: Reporting

    func location(_ expr: Expr, _ scope: Scope) -> SourceLocation {
        scope.source.location(of: expr.range.lowerBound)
    }

    func length(_ expr: Expr, _ scope: Scope) -> Int {
        scope.source.characterCount(expr.range)
    }

    mutating func report(_ diagnostic: Diagnostic) {
        var diagnostic = diagnostic
        if let usedBy { diagnostic.message += "（\(usedBy)）" }
        diagnostics.add(diagnostic)
    }
}
