/// Units the lowering turns into arithmetic, so evaluators never see a unit: a percentage
/// multiplying a quantity becomes its fraction (`失业保险缴费 * 60 %` → × 0.6), and an amount
/// in 万元 becomes 元 (× 10000). Both are exact (decimal `Conversion` nodes, never floating point).
extension Lowering {
    /// `lhs * rhs`, with a percentage of a quantity in some unit taken as a fraction of it.
    mutating func product(_ lhs: Expr, _ rhs: Expr, _ scope: Scope) -> NodeID {
        let left: NodeID
        let right: NodeID
        switch UnitRules.percentOperand(unit(of: lhs, scope), unit(of: rhs, scope)) {
        case .left:
            left = converted(lhs, .percentToFraction, scope)
            right = lower(rhs, scope)
        case .right:
            left = lower(lhs, scope)
            right = converted(rhs, .percentToFraction, scope)
        case nil:
            left = lower(lhs, scope)
            right = lower(rhs, scope)
        }
        return intern(.binary(.times, left, right))
    }

    /// An amount (formula, tier value or cap) in 元: one the checker found to be in 万元 is converted.
    mutating func money(_ expr: Expr, _ scope: Scope) -> NodeID {
        unit(of: expr, scope) == "万元" ? converted(expr, .wanToYuan, scope) : lower(expr, scope)
    }

    /// `expr` converted; into each branch of a conditional (through facts, which are inlined
    /// anyway), so that it reads back as written (`若 大型企业 则 30 % 否则 60 %`), with a plain
    /// number in a branch taken in the same unit.
    private mutating func converted(_ expr: Expr, _ conversion: Conversion, _ scope: Scope) -> NodeID {
        if case .name(let name) = expr.kind,
           case .fact(let fact, let file) = names.resolve(name.text, subject: scope.subject, local: scope.local) {
            return converted(fact.expression, conversion, scope.in(file))
        }
        if case .conditional(let condition, let then, let otherwise) = expr.kind {
            return intern(.choose(
                lower(condition, scope), then: converted(then, conversion, scope), else: converted(otherwise, conversion, scope)
            ))
        }
        return intern(.convert(lower(expr, scope), conversion))
    }

    /// A number written in 万元 as 元, exactly, by moving the decimal point: "1.5" → "15000".
    static func yuan(fromWan text: String) -> String {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var fraction = Array(parts.count > 1 ? parts[1] : "")
        while fraction.count < 4 { fraction.append("0") }
        let whole = parts.first.map(String.init) ?? ""
        let digits = (whole + String(fraction.prefix(4))).drop(while: { $0 == "0" })
        let rest = String(fraction.dropFirst(4))
        return (digits.isEmpty ? "0" : String(digits)) + (rest.isEmpty ? "" : "." + rest)
    }

    /// The unit of a numeric expression, as the checker computes it.
    private mutating func unit(of expr: Expr, _ scope: Scope) -> String? {
        var checkerScope = Checker.Scope(subject: scope.subject, local: scope.local, source: scope.source)
        if case .number(let unit) = typer.type(of: expr, &checkerScope) { return unit }
        return nil
    }
}
