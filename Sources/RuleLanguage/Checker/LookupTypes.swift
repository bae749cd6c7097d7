internal import Datasets
internal import Diagnostics

/// Typing of `按 键 取值 … 结束`: the key is a field with listed values (学段) or a code or text
/// field (行业代码: keys match as code prefixes); the values are of one type and unit.
extension Checker {
    mutating func lookupType(_ key: Expr, _ entries: [LookupEntry], _ otherwise: Expr?, _ whole: Expr, _ scope: inout Scope) -> RuleType {
        let keyType = type(of: key, &scope)
        var listed: [String: Name] = [:]
        for name in entries.flatMap(\.keys) {
            if let first = listed[name.text] {
                report(CheckerMessage.duplicateLookupKey(
                    name.text, at: scope.source.location(of: name.range.lowerBound), length: scope.source.characterCount(name.range),
                    first: scope.source.location(of: first.range.lowerBound)
                ))
                continue
            }
            listed[name.text] = name
            if case .enumeration(let values) = keyType, !values.contains(name.text) {
                report(unlisted(
                    "取值表的键", name.text, allowed: values, field: schemaField(key, scope),
                    at: scope.source.location(of: name.range.lowerBound), length: scope.source.characterCount(name.range)
                ))
            }
        }
        switch keyType {
        case .enumeration(let values):
            let missing = values.filter { listed[$0] == nil }
            if otherwise == nil, !missing.isEmpty {
                report(CheckerMessage.uncoveredLookup(missing, at: location(whole, scope), length: 1))
            }
        case .text, .error:
            break
        default:
            report(CheckerMessage.typeMismatch(
                expected: "取值列表字段或代码、文字字段", found: keyType, at: location(key, scope), length: length(key, scope),
                hint: "取值表按 学段、证照类型 这样的取值字段或 行业代码 取值；数值请用 金额 按 … 分档 或 若 … 则 … 否则 …。"
            ))
        }
        return lookupValuesType(entries.map(\.value) + (otherwise.map { [$0] } ?? []), &scope)
    }

    /// The common type of a table's values: one type, numbers in one unit (E203 otherwise).
    private mutating func lookupValuesType(_ values: [Expr], _ scope: inout Scope) -> RuleType {
        var result: RuleType?
        var first: Expr?
        for value in values {
            let t = type(of: value, &scope)
            switch (result, t) {
            case (_, .error): continue
            case (nil, _):
                result = t
                first = value
            case (.number(let unit)?, .number(let other)):
                if let unit, let other, unit != other {
                    report(CheckerMessage.lookupUnitMismatch(
                        first.map { scope.source.text($0.range) } ?? "", unit, other, at: location(value, scope), length: length(value, scope)
                    ))
                } else if unit == nil {
                    result = t
                }
            default:
                if result != t {
                    report(CheckerMessage.typeMismatch(
                        expected: "与第一个值相同类型（\(result ?? .error)）的值", found: t, at: location(value, scope),
                        length: length(value, scope), hint: "取值表中的值要同类，例如都是金额或都是条件。"
                    ))
                }
            }
        }
        return result ?? .error
    }
}

extension Checker {
    /// A value a field's list of values does not hold: an error (E207), unless the schema keeps
    /// that list by hand (`membership: warn`, the licence types): then values outside it are
    /// imported, so rules may name them, and it is the warning W204, as for 持有有效证照.
    func unlisted(_ what: String, _ value: String, allowed: [String], field: FieldSpec?, at location: SourceLocation, length: Int) -> Diagnostic {
        let closest = Suggest.closest(to: value, among: allowed)
        if field?.membership == .warn {
            return CheckerMessage.unlistedLicenceType(value, allowed: allowed, at: location, length: length, closest: closest)
        }
        return CheckerMessage.notAllowed(what, value, allowed: allowed, at: location, length: length, closest: closest)
    }
}
