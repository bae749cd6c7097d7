internal import Datasets
internal import Diagnostics

/// Where `本项金额` (the policy's own amount) may be read: in the conditions of a policy that
/// has a 金额 line, never inside that amount (it would be defined by itself).
enum OwnAmountUse: Sendable {
    case unavailable, available, insideAmount
}

/// Typing of the built-ins 已填/未填, 最大/最小 of several values, 持有有效证照 and 本项金额.
extension Checker {
    /// The licence schema's field a licence type is a value of.
    static let licenceTypeField = "license_type"

    /// `已填(字段)`, `未填(字段)`: always 是 or 否; the argument is a data field of the entity or of
    /// its related records (`任一(已填(证照.有效期至))`).
    mutating func presenceType(_ function: String, _ arguments: [Expr], _ call: Expr, _ scope: inout Scope) -> RuleType {
        let isField: Bool = switch arguments.first?.kind {
        case .member?: true
        case .name(let name)?:
            if case .field = names.resolve(name.text, subject: scope.subject, local: scope.local) { true } else { false }
        default: false
        }
        if arguments.count != 1 || !isField {
            report(CheckerMessage.presenceOperand(
                function, found: arguments.first.map { "“\(scope.source.text($0.range))”" } ?? "空",
                at: location(call, scope), length: length(call, scope)
            ))
        } else if let argument = arguments.first, let spec = schemaField(argument, scope),
                  case .value(let value, let label, nil) = spec.empty {
            // The import stores a stated value for every empty cell of this field: it is never empty.
            report(CheckerMessage.alwaysFilled(
                function, field: spec.label, value: value.display(for: spec), meaning: label,
                at: location(call, scope), length: length(call, scope)
            ))
        }
        return .bool
    }

    /// The schema field an expression names: the entity's own, or a related record's (nil for
    /// anything else). `已填`/`未填` ask about it; a list it is checked against may be kept by hand.
    func schemaField(_ argument: Expr, _ scope: Scope) -> FieldSpec? {
        switch argument.kind {
        case .name(let name):
            if case .field(_, let spec)? = names.resolve(name.text, subject: scope.subject, local: scope.local) { return spec }
        case .member(let collection, let field):
            if case .collection(let kind)? = names.resolve(collection.text, subject: scope.subject, local: scope.local) {
                return NameTable.field(field.text, in: schemas[kind])
            }
        default:
            break
        }
        return nil
    }

    /// `最小(a, b, …)`, `最大(a, b, …)` of several values: numbers in one unit, or dates.
    mutating func scalarExtremeType(_ function: String, _ arguments: [Expr], _ types: [RuleType], _ scope: inout Scope) -> RuleType {
        var result: RuleType?
        for (argument, t) in zip(arguments, types) {
            switch (result, t) {
            case (_, .error): continue
            case (nil, .number), (nil, .date): result = t
            case (.number(let unit)?, .number(let other)):
                if let unit, let other, unit != other {
                    report(CheckerMessage.extremeUnitMismatch(function, unit, other, at: location(argument, scope), length: length(argument, scope)))
                } else if unit == nil {
                    result = t
                }
            case (.date?, .date): continue
            default:
                report(CheckerMessage.typeMismatch(
                    expected: result.map { "与第一项相同类型（\($0)）的值" } ?? "数值或日期", found: t, at: location(argument, scope),
                    length: length(argument, scope), hint: "\(function)(甲, 乙, …) 的各项要同类：都是同一单位的数值，或都是日期。"
                ))
            }
        }
        return result ?? .error
    }

    /// `持有有效证照(高新技术企业证书)`: one licence type. The list of types is kept by hand, so a
    /// type not on it is a warning (W204), not an error.
    mutating func validLicenceType(_ arguments: [Expr], _ call: Expr, _ scope: inout Scope) -> RuleType {
        let allowed: [String] = schemas.licences.fields.first { $0.name == Self.licenceTypeField }.flatMap { field in
            if case .enumeration(let values) = field.type { return values }
            return nil
        } ?? []
        guard arguments.count == 1, let value = Self.licenceTypeText(arguments[0]) else {
            report(CheckerMessage.typeMismatch(
                expected: "一个证照类型", found: arguments.count == 1 ? type(of: arguments[0], &scope) : .error,
                at: location(call, scope), length: length(call, scope), hint: "例如 持有有效证照(高新技术企业证书)。"
            ))
            return .bool
        }
        if !allowed.contains(value) {
            report(CheckerMessage.unlistedLicenceType(
                value, allowed: allowed, at: location(arguments[0], scope), length: length(arguments[0], scope),
                closest: Suggest.closest(to: value, among: allowed)
            ))
        }
        return .bool
    }

    /// The licence type written in `持有有效证照(…)`: a bare word or quoted text.
    static func licenceTypeText(_ expr: Expr) -> String? {
        switch expr.kind {
        case .name(let name): name.text
        case .string(let text): text
        default: nil
        }
    }

    /// `本项金额`: the policy's own amount in 元, readable only in its conditions (E214).
    mutating func ownAmountType(_ name: Name, _ scope: Scope) -> RuleType {
        switch scope.ownAmount {
        case .available: break
        case .insideAmount, .unavailable:
            report(CheckerMessage.ownAmountMisused(
                circular: scope.ownAmount == .insideAmount, at: scope.source.location(of: name.range.lowerBound), length: name.text.count
            ))
        }
        return .number(unit: "元")
    }
}

extension Checker {
    /// Levels of expressions, counting those of the facts used in them, that the checker types
    /// (and later stages inline) before reporting E107: well below what fits the stack.
    static let maxInlinedDepth = 400

    /// Enters one level of typing, or reports E107 (once) at the limit.
    mutating func enterInlined(_ expr: Expr, _ scope: Scope) -> Bool {
        guard inlinedDepth < Self.maxInlinedDepth else {
            if !reportedInlinedDepth {
                reportedInlinedDepth = true
                report(ParserMessage.tooDeepThroughFacts(depth: Self.maxInlinedDepth, at: location(expr, scope), length: 1))
            }
            return false
        }
        inlinedDepth += 1
        return true
    }
}
