internal import Diagnostics

/// Nothing an officer types may crash `rules check`: the parser reads nested expressions by
/// recursion, and every later stage walks the tree by recursion too. So the nesting the parser
/// recurses through (brackets, 非, 负号, 若, 取值表) is capped while reading, and the depth of
/// the finished tree (which long chains of 且, 或, + also make deep) is measured without
/// recursion before any other stage sees it. Both limits report E107.
extension Parser {
    /// Levels of brackets, 非, 负号, 若 and 取值表 one expression may nest.
    static let maxNesting = 200
    /// Operations one expression may nest, counting each link of a chain of 且, 或, + ….
    static let maxTreeDepth = 300

    /// Enters one level of nesting, or reports E107 and refuses at the limit.
    mutating func enterNesting() -> Bool {
        guard nesting < Self.maxNesting else {
            report(ParserMessage.tooDeep(nesting: Self.maxNesting, at: location(current), length: length(current)))
            return false
        }
        nesting += 1
        return true
    }

    /// The whole expression, or nil (E107 reported) when its tree is deeper than the limit.
    mutating func checkedDepth(_ expr: Expr?) -> Expr? {
        guard let expr, expr.depth > Self.maxTreeDepth else { return expr }
        report(ParserMessage.tooLong(
            depth: Self.maxTreeDepth, at: source.location(of: expr.range.lowerBound), length: 1
        ))
        return nil
    }
}

extension Expr {
    /// The expressions directly inside this one.
    public var children: [Expr] {
        switch kind {
        case .number, .date, .string, .bool, .name, .member: []
        case .call(_, let arguments): arguments
        case .negate(let e), .not(let e): [e]
        case .binary(_, let a, let b): [a, b]
        case .membership(let e, let items): [e] + items
        case .conditional(let c, let a, let b): [c, a, b]
        case .lookup(let key, let entries, let otherwise): [key] + entries.map(\.value) + (otherwise.map { [$0] } ?? [])
        }
    }

    /// The number of levels of the tree, measured with an explicit stack (no recursion).
    var depth: Int {
        var deepest = 0
        var stack: [(Expr, Int)] = [(self, 1)]
        while let (expr, level) = stack.popLast() {
            deepest = max(deepest, level)
            for child in expr.children { stack.append((child, level + 1)) }
        }
        return deepest
    }
}
