internal import Diagnostics

/// Rules about a policy's lines as a whole: a line that says one thing about the policy (its
/// 对象, its 金额 …) is written once, and a policy has at least one condition.
extension Checker {
    /// A second line of a kind a policy has only one of (E205), pointing at its keyword and
    /// naming where the first one is.
    mutating func checkRepeatedLines(_ policy: PolicyDecl, in source: SourceFile) {
        var first: [Keyword: SourceLocation] = [:]
        for line in policy.lines {
            guard let keyword = line.singleKeyword else { continue }
            let start = source.statementStart(ofLineAt: line.anchor)
            let here = source.location(of: start)
            guard let earlier = first[keyword] else {
                first[keyword] = here
                continue
            }
            let written = Self.word(at: start, in: source)
            report(CheckerMessage.repeatedLine(keyword.rawValue, at: here, length: written.count, first: earlier))
        }
    }

    /// A policy without conditions grants its benefit to everyone (W202).
    mutating func checkHasConditions(_ policy: PolicyDecl, in source: SourceFile) {
        let hasCondition = policy.lines.contains { line in
            switch line {
            case .condition, .useCondition: true
            default: false
            }
        }
        guard !hasCondition else { return }
        report(CheckerMessage.noConditions(
            policy.id.text, at: source.location(of: policy.id.range.lowerBound), length: policy.id.text.count
        ))
    }

    /// The word (keyword as written, Chinese or English) starting at `offset`.
    private static func word(at offset: Int, in source: SourceFile) -> String {
        var end = offset
        while end < source.bytes.count, ![0x20, 0x09, 0x0A, 0x0D].contains(source.bytes[end]) { end += 1 }
        return source.text(offset..<end)
    }
}

extension PolicyLine {
    /// The keyword of a line a policy may have only once; nil for 条件, of which it has many.
    var singleKeyword: Keyword? {
        switch self {
        case .domain: .domain
        case .department: .department
        case .basis: .basis
        case .subject: .subject
        case .payee: .payee
        case .mode: .mode
        case .validity: .validity
        case .period: .period
        case .budget: .budget
        case .exclusive: .exclusive
        case .version: .version
        case .grantOrder: .grantOrder
        case .amount: .amount
        case .condition, .useCondition: nil
        }
    }

    /// An offset on the line's first source line (where its keyword is).
    var anchor: Int {
        switch self {
        case .domain(let n), .subject(let n), .payee(let n), .mode(let n), .period(let n), .useCondition(let n, _): n.range.lowerBound
        case .department(let s), .basis(let s), .version(let s): s.range.lowerBound
        case .validity(let from, _): from.range.lowerBound
        case .budget(let amount, _): amount.range.lowerBound
        case .exclusive(let group, _, _): group.range.lowerBound
        case .condition(let c): c.range.lowerBound
        case .amount(let a): a.range.lowerBound
        case .grantOrder(let field, _): field.range.lowerBound
        }
    }
}
