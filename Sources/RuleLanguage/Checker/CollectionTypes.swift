internal import Datasets
internal import Diagnostics

/// Typing of 属于 lists, of 合计/最大/最小, of codes compared with an industry field, and of
/// function names written without their parentheses.
extension Checker {
    /// How each built-in function is called, suggested when its name is used bare (周岁 >= 80).
    static let callExamples: [String: String] = [
        "周岁": "周岁(出生日期)", "整年数": "整年数(成立日期)", "天数": "天数(评估日, 证照.有效期至)",
        "计数": "计数(家庭成员)", "合计": "合计(家庭成员.个人年收入)", "最大": "最大(家庭成员.个人年收入)",
        "最小": "最小(家庭成员.个人年收入)", "任一": "任一(家庭成员.低保对象 = 是)", "所有": "所有(证照.有效期至 >= 评估日)",
    ]

    /// `值 属于 (甲, 乙)`: text, listed values and divisions take names or quoted text; a number
    /// takes numbers written out (in its unit), matched exactly; nothing else has members.
    mutating func membershipType(_ lhs: Expr, _ items: [Expr], _ scope: inout Scope) {
        let t = type(of: lhs, &scope)
        switch t {
        case .number(let unit):
            for item in items {
                guard case .number(_, let written) = item.kind else {
                    report(CheckerMessage.numericMember(
                        found: "“\(scope.source.text(item.range))”", at: location(item, scope), length: length(item, scope)
                    ))
                    continue
                }
                let itemUnit = written.map { $0.text == "周岁" ? "岁" : $0.text }
                if let unit, let itemUnit, unit != itemUnit {
                    report(CheckerMessage.unitMismatch(unit, itemUnit, at: location(item, scope), length: length(item, scope)))
                }
            }
        case .text, .enumeration, .division, .error:
            for item in items { checkValue(item, against: t, field: schemaField(lhs, scope), &scope) }
        default:
            report(CheckerMessage.typeMismatch(
                expected: "文字、取值、行政区划或数值", found: t, at: location(lhs, scope), length: length(lhs, scope),
                hint: "属于 判断值是否是列出的几项之一，例如 学段 属于 (小学, 初中)；日期请用比较，如 出生日期 >= 2020-01-01。"
            ))
        }
    }

    /// 合计 of numbers; 最大, 最小 of numbers or dates; each in the type of its operand.
    mutating func aggregateType(_ function: String, _ arguments: [Expr], _ types: [RuleType], _ call: Expr, _ scope: inout Scope) -> RuleType {
        guard types.count == 1 else {
            report(CheckerMessage.typeMismatch(
                expected: "一个集合字段", found: types.first ?? .error, at: location(call, scope), length: length(call, scope),
                hint: "例如 \(Self.callExamples[function] ?? "合计(家庭成员.个人年收入)")。"
            ))
            return .error
        }
        switch types[0] {
        case .error: return .error
        case .number: return types[0]
        case .date where function != "合计": return .date
        default:
            report(CheckerMessage.aggregateOperand(function, found: types[0], at: location(arguments[0], scope), length: length(arguments[0], scope)))
            return .error
        }
    }

    /// The code in `行业代码 = C`: a bare word that is no name, compared with an industry code field.
    func bareCode(_ rhs: Expr, comparedWithIndustry lhs: Expr, _ scope: Scope) -> String? {
        guard case .name(let code) = rhs.kind, code.text != NameTable.asOfName,
              names.resolve(code.text, subject: scope.subject, local: scope.local) == nil,
              case .name(let field) = lhs.kind,
              case .field(_, let spec) = names.resolve(field.text, subject: scope.subject, local: scope.local),
              spec.type == .industry else { return nil }
        return code.text
    }
}
