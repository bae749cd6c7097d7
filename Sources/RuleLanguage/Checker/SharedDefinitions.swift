internal import Datasets
internal import Diagnostics

/// Checks of top-level declarations on their own: the units of parameter values, and the
/// shared conditions and facts no policy made the checker read.
extension Checker {
    /// Each value is in the parameter's unit; a parameter in 元 may be given in 万元 (converted
    /// exactly when lowered, as 预算 is). Anything else is E203.
    mutating func checkParameterUnits(_ parameter: ParameterDecl, in source: SourceFile) {
        let declared = parameter.unit.map { Self.normalizedUnit($0.text) }
        for value in parameter.values {
            guard let unit = value.unit else { continue }
            let written = Self.normalizedUnit(unit.text)
            if written == declared || (declared == "元" && written == "万元") { continue }
            report(CheckerMessage.parameterUnit(
                parameter.name.text, declared: declared, written: written, at: source.location(of: unit.range.lowerBound),
                length: unit.text.count
            ))
        }
    }

    /// Shared conditions and facts that no policy led the checker through are checked on their
    /// own, with names looked up in the residents' and then the enterprises' fields.
    mutating func checkUnreadDefinitions() {
        for (name, (condition, file)) in names.conditions.sorted(by: { $0.key < $1.key }) where !checkedDefinitions.contains(name) {
            checkedDefinitions.insert(name)
            var scope = Scope(subject: nil, source: file)
            expectBool(condition.expression, &scope)
        }
        for (name, (fact, file)) in names.facts.sorted(by: { $0.key < $1.key }) where !checkedDefinitions.contains(name) {
            checkedDefinitions.insert(name)
            var scope = Scope(subject: nil, source: file)
            _ = type(of: fact.expression, &scope)
        }
    }

    static func normalizedUnit(_ unit: String) -> String {
        unit == "周岁" ? "岁" : unit
    }
}
