/// How units combine when numbers are multiplied: one rule for the checker (the unit of the
/// result) and the lowering (where a percentage becomes a fraction), so the two cannot drift.
enum UnitRules {
    enum Side: Sendable {
        case left, right
    }

    /// The operand of `*` that is a percentage of the other: in `失业保险缴费 * 60 %` the 60 % means
    /// 0.6 of a quantity in 万元, and the product is in 万元. A percentage times a plain number
    /// (`2 * 5 %`) stays a percentage, as does anything with no percentage in it.
    static func percentOperand(_ left: String?, _ right: String?) -> Side? {
        if right == "%", let left, left != "%" { return .right }
        if left == "%", let right, right != "%" { return .left }
        return nil
    }

    /// The unit of `left * right` (a percentage times a percentage is rejected before this).
    /// Otherwise a rate in 元 times a quantity is in 元 (`耕地面积 * 100 元`).
    static func product(_ left: String?, _ right: String?) -> String? {
        switch percentOperand(left, right) {
        case .right: left
        case .left: right
        case nil: left == "元" || right == "元" ? "元" : left ?? right
        }
    }
}
