internal import Datasets
internal import Diagnostics

/// The checker's typing of expressions: what each expression's type is, and the mistakes in it.
extension Checker {
    mutating func expectBool(_ expr: Expr, _ scope: inout Scope) {
        let t = type(of: expr, &scope)
        if t != .bool, t != .error {
            report(CheckerMessage.typeMismatch(
                expected: "条件（是/否）", found: t, at: location(expr, scope), length: length(expr, scope),
                hint: "条件要给出是或否，例如 周岁(出生日期) >= 80。"
            ))
        }
    }

    mutating func expectMoney(_ expr: Expr, _ scope: inout Scope) {
        let t = type(of: expr, &scope)
        guard t != .error else { return }
        // An amount in 万元 (enterprise money fields) is converted to 元 when lowered.
        if case .number(let unit) = t, unit == nil || unit == "元" || unit == "万元" { return }
        report(CheckerMessage.typeMismatch(
            expected: "金额（元）", found: t, at: location(expr, scope), length: length(expr, scope),
            hint: "金额以元计，例如 100 元、耕地面积 * 100 元；以万元计的企业金额会自动折算为元。"
        ))
    }

    mutating func type(of expr: Expr, _ scope: inout Scope) -> RuleType {
        // Facts are typed where they are used, so facts using facts nest deeper than any one
        // expression (each of which the parser capped): stop before the stack runs out.
        guard enterInlined(expr, scope) else { return .error }
        defer { inlinedDepth -= 1 }
        switch expr.kind {
        case .number(_, let unit):
            return .number(unit: unit.map { $0.text == "周岁" ? "岁" : $0.text })
        case .date: return .date
        case .string: return .text
        case .bool: return .bool
        case .name(let name): return resolve(name, &scope)
        case .member(let collection, let field):
            return memberType(collection, field, &scope)
        case .call(let name, let arguments):
            return callType(name, arguments, expr, &scope)
        case .negate(let operand):
            let t = type(of: operand, &scope)
            if !t.isNumber, t != .error {
                report(CheckerMessage.typeMismatch(expected: "数值", found: t, at: location(operand, scope), length: length(operand, scope)))
                return .error
            }
            return t
        case .not(let operand):
            expectBool(operand, &scope)
            return .bool
        case .binary(let op, let lhs, let rhs):
            return binaryType(op, lhs, rhs, expr, &scope)
        case .membership(let lhs, let items):
            membershipType(lhs, items, &scope)
            return .bool
        case .conditional(let condition, let then, let otherwise):
            return conditionalType(condition, then, otherwise, &scope)
        case .lookup(let key, let entries, let otherwise):
            return lookupType(key, entries, otherwise, expr, &scope)
        }
    }

    // Each kind of expression is typed in a function of its own: `type(of:)` recurses once per
    // level of an expression, and a debug build gives a function a stack frame as large as all
    // its branches together, which kept deep expressions from fitting the stack.

    private mutating func memberType(_ collection: Name, _ field: Name, _ scope: inout Scope) -> RuleType {
        guard case .records(let kind) = resolve(collection, &scope) else { return .error }
        guard let spec = NameTable.field(field.text, in: schemas[kind]) else {
            let names = schemas[kind].fields.flatMap { [$0.name, $0.label] }
            report(CheckerMessage.unknownName(field.text, at: scope.source.location(of: field.range.lowerBound), length: field.text.count, closest: Suggest.closest(to: field.text, among: names)))
            return .error
        }
        return RuleType.of(spec)
    }

    private mutating func callType(_ name: Name, _ arguments: [Expr], _ expr: Expr, _ scope: inout Scope) -> RuleType {
        // The licence type is a value of the licences schema, not a name to resolve.
        if name.text == "持有有效证照" { return validLicenceType(arguments, expr, &scope) }
        let types = arguments.map { type(of: $0, &scope) }
        switch name.text {
        case "周岁", "整年数":
            if types.count != 1 || (types[0] != .date && types[0] != .error) {
                report(CheckerMessage.typeMismatch(expected: "一个日期", found: types.first ?? .error, at: location(expr, scope), length: length(expr, scope), hint: "例如 \(name.text)(出生日期)。"))
            }
            return .number(unit: name.text == "周岁" ? "岁" : "年")
        case "天数":
            if types.count != 2 || !types.allSatisfy({ $0 == .date || $0 == .error }) {
                report(CheckerMessage.typeMismatch(expected: "两个日期", found: types.first { $0 != .date } ?? .error, at: location(expr, scope), length: length(expr, scope), hint: "例如 天数(评估日, 有效期至) <= 60。"))
            }
            return .number(unit: "天")
        case "计数":
            if types.count == 2, types[1] != .bool, types[1] != .error {
                report(CheckerMessage.typeMismatch(expected: "条件（是/否）", found: types[1], at: location(arguments[1], scope), length: length(arguments[1], scope), hint: "例如 计数(家庭成员, 周岁(家庭成员.出生日期) < 3)。"))
            }
            return .number(unit: "人")
        case "最大" where arguments.count > 1, "最小" where arguments.count > 1:
            return scalarExtremeType(name.text, arguments, types, &scope)
        case "合计", "最大", "最小":
            return aggregateType(name.text, arguments, types, expr, &scope)
        case "已填", "未填":
            return presenceType(name.text, arguments, expr, &scope)
        case "任一", "所有": return .bool
        default:
            report(CheckerMessage.unknownName(name.text, at: scope.source.location(of: name.range.lowerBound), length: name.text.count, closest: Suggest.closest(to: name.text, among: Self.functions)))
            return .error
        }
    }

    /// `若 条件 则 甲 否则 乙`: a 是/否 condition, and two branches of one type and unit.
    private mutating func conditionalType(_ condition: Expr, _ then: Expr, _ otherwise: Expr, _ scope: inout Scope) -> RuleType {
        let c = type(of: condition, &scope)
        if c != .bool, c != .error {
            report(CheckerMessage.typeMismatch(
                expected: "条件（是/否）", found: c, at: location(condition, scope), length: length(condition, scope),
                hint: "“若”之后要写一个条件，例如 若 从业人数 >= 300 人 则 30 % 否则 60 %。"
            ))
        }
        let t = type(of: then, &scope)
        let e = type(of: otherwise, &scope)
        switch (t, e) {
        case (.error, _): return e
        case (_, .error): return t
        case (.number(let tu), .number(let eu)):
            if let tu, let eu, tu != eu {
                report(CheckerMessage.branchUnitMismatch(tu, eu, at: location(otherwise, scope), length: length(otherwise, scope)))
            }
            return .number(unit: tu ?? eu)
        default:
            if t != e {
                report(CheckerMessage.typeMismatch(
                    expected: "与“则”之后相同类型（\(t)）的值", found: e, at: location(otherwise, scope),
                    length: length(otherwise, scope), hint: "“则”和“否则”之后的两个值要同类，例如都是金额或都是条件。"
                ))
                return .error
            }
            return t
        }
    }

    mutating func binaryType(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, _ whole: Expr, _ scope: inout Scope) -> RuleType {
        switch op {
        case .and, .or:
            expectBool(lhs, &scope)
            expectBool(rhs, &scope)
            return .bool
        case .plus, .minus, .times, .divide:
            return arithmeticType(op, lhs, rhs, whole, &scope)
        case .equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual:
            return comparisonType(op, lhs, rhs, whole, &scope)
        }
    }

    // Arithmetic and comparisons in functions of their own, to keep the frames of the recursion small.

    private mutating func arithmeticType(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, _ whole: Expr, _ scope: inout Scope) -> RuleType {
        let l = type(of: lhs, &scope)
        let r = type(of: rhs, &scope)
        guard case .number(let lu) = l, case .number(let ru) = r else {
            for (t, e) in [(l, lhs), (r, rhs)] where !t.isNumber && t != .error {
                report(CheckerMessage.typeMismatch(expected: "数值", found: t, at: location(e, scope), length: length(e, scope)))
            }
            return .error
        }
        switch op {
        case .plus, .minus:
            if let lu, let ru, lu != ru {
                report(CheckerMessage.unitMismatch(lu, ru, at: location(whole, scope), length: length(whole, scope)))
            }
        case .times where lu == "%" && ru == "%":
            report(CheckerMessage.percentTimesPercent(at: location(whole, scope), length: length(whole, scope)))
            return .error
        case .times:
            return .number(unit: UnitRules.product(lu, ru))
        default:
            if ru == "%" {
                report(CheckerMessage.divisionByPercent(at: location(whole, scope), length: length(whole, scope)))
                return .error
            }
        }
        return .number(unit: lu ?? ru)
    }

    private mutating func comparisonType(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, _ whole: Expr, _ scope: inout Scope) -> RuleType {
        let l = type(of: lhs, &scope)
        let ordering = op != .equal && op != .notEqual
        if case .enumeration = l {
            checkValue(rhs, against: l, field: schemaField(lhs, scope), &scope)
            if ordering { report(CheckerMessage.unordered(l, at: location(lhs, scope), length: length(lhs, scope))) }
            return .bool
        }
        if l == .bool {
            checkValue(rhs, against: l, &scope)
            if ordering { report(CheckerMessage.unordered(l, at: location(lhs, scope), length: length(lhs, scope))) }
            return .bool
        }
        if !ordering, let code = bareCode(rhs, comparedWithIndustry: lhs, scope) {
            report(CheckerMessage.industryEquality(
                scope.source.text(lhs.range), code, negated: op == .notEqual, at: location(rhs, scope), length: length(rhs, scope)
            ))
            return .bool
        }
        let r = type(of: rhs, &scope)
        switch (l, r) {
        case (.error, _), (_, .error): break
        case (.number(let lu), .number(let ru)):
            if let lu, let ru, lu != ru {
                report(CheckerMessage.unitMismatch(lu, ru, at: location(whole, scope), length: length(whole, scope)))
            }
        case (.text, .text), (.division, .text):
            if ordering { report(CheckerMessage.unordered(l, at: location(lhs, scope), length: length(lhs, scope))) }
        case (.date, .date): break
        case (.date, .number), (.number, .date):
            report(CheckerMessage.dateVersusNumber(at: location(whole, scope), length: length(whole, scope)))
        default:
            report(CheckerMessage.typeMismatch(expected: "与左边相同类型（\(l)）的值", found: r, at: location(rhs, scope), length: length(rhs, scope)))
        }
        return .bool
    }

    /// A value compared with, or listed for, a field of type `t` (the schema's `field`, when the
    /// left side names one): enum values may be bare words.
    mutating func checkValue(_ item: Expr, against t: RuleType, field: FieldSpec? = nil, _ scope: inout Scope) {
        switch (t, item.kind) {
        case (.error, _):
            return
        case (.enumeration(let values), .name), (.enumeration(let values), .string):
            let text: String = switch item.kind {
            case .name(let name): name.text
            case .string(let string): string
            default: ""
            }
            if !values.contains(text) {
                report(unlisted("此字段的取值", text, allowed: values, field: field, at: location(item, scope), length: length(item, scope)))
            }
        case (.division, .name(let name)):
            if DivisionNames.prefix(of: name.text, in: schemas.divisions) == nil {
                report(CheckerMessage.unknownDivision(
                    name.text, at: location(item, scope), length: length(item, scope),
                    closest: Suggest.closest(to: name.text, among: DivisionNames.all(in: schemas.divisions))
                ))
            }
        case (.division, .string), (.text, .string):
            return
        case (.text, .name(let name)) where names.resolve(name.text, subject: scope.subject, local: scope.local) == nil:
            // A code written bare (行业代码 属于 (C, F52)): a literal, matched as a prefix.
            return
        case (.bool, .bool):
            return
        default:
            let v = type(of: item, &scope)
            if v != t, v != .error, !(t.isNumber && v.isNumber), !(t == .division && v == .text) {
                report(CheckerMessage.typeMismatch(expected: "\(t)", found: v, at: location(item, scope), length: length(item, scope)))
            }
        }
    }

    /// What a bare name means here: a condition, fact, parameter, collection or field.
    mutating func resolve(_ name: Name, _ scope: inout Scope) -> RuleType {
        let text = name.text
        if text == NameTable.asOfName { return .date }
        if text == NameTable.ownAmountName { return ownAmountType(name, scope) }
        switch names.resolve(text, subject: scope.subject, local: scope.local) {
        case .localCondition, .sharedCondition:
            return .bool
        case .fact(let fact, let file):
            checkedDefinitions.insert(text)
            guard !typing.contains(text) else {
                report(CheckerMessage.cycle(text, at: scope.source.location(of: name.range.lowerBound), length: text.count))
                return .error
            }
            typing.insert(text)
            defer { typing.remove(text) }
            var factScope = Scope(subject: scope.subject, source: file, ownAmount: scope.ownAmount)
            return type(of: fact.expression, &factScope)
        case .parameter(let parameter):
            return .number(unit: parameter.unit?.text)
        case .collection(let kind):
            return .records(kind)
        case .field(_, let spec):
            return RuleType.of(spec)
        case nil:
            if let example = Self.callExamples[text] {
                report(CheckerMessage.functionWithoutCall(text, example: example, at: scope.source.location(of: name.range.lowerBound), length: text.count))
                return .error
            }
            let closest = Suggest.closest(to: text, among: names.candidates(subject: scope.subject, local: scope.local))
            report(CheckerMessage.unknownName(text, at: scope.source.location(of: name.range.lowerBound), length: text.count, closest: closest))
            return .error
        }
    }
}
