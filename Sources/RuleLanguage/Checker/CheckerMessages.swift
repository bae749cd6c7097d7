public import Diagnostics

/// Every message of the checking stage, in one place, with stable codes (docs/rule-language.md).
public enum CheckerMessage {
    /// E201: a name that is no field, fact, condition, parameter or function.
    public static func unknownName(_ name: String, at location: SourceLocation, length: Int, closest: String?) -> Diagnostic {
        Diagnostic(
            code: "E201", message: "不认识“\(name)”：它不是数据字段、事实、条件、参数或函数", location: location, length: length,
            suggestion: closest.map { "您是否想写“\($0)”？" } ?? "共用的事实和条件写在 Rules/common/ 下；字段名见 Rules/schemas/。"
        )
    }

    /// E202: an operand of the wrong type.
    public static func typeMismatch(expected: String, found: RuleType, at location: SourceLocation, length: Int, hint: String? = nil) -> Diagnostic {
        Diagnostic(
            code: "E202", message: "此处应为\(expected)，实际为\(found)", location: location, length: length,
            suggestion: hint
        )
    }

    /// E203: two numbers in different units compared or added.
    public static func unitMismatch(_ left: String, _ right: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E203", message: "单位不一致：左边是\(left)，右边是\(right)", location: location, length: length,
            suggestion: left == "万元" || right == "万元"
                ? "1 万元 = 10000 元：把数值换成同一单位，例如 500 万元 写成 5000000 元，或字段用 万元 比较。"
                : "两边换成同一单位后再比较或相加。"
        )
    }

    /// E204: a date compared with a number (or the reverse).
    public static func dateVersusNumber(at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E204", message: "日期不能与数值比较", location: location, length: length,
            suggestion: "比较年龄用 周岁(出生日期) >= 60；比较日期写成 2026-01-01 这样的日期。"
        )
    }

    /// E205: the same name or policy id defined twice.
    public static func duplicate(_ what: String, _ name: String, at location: SourceLocation, length: Int, first: SourceLocation) -> Diagnostic {
        Diagnostic(
            code: "E205", message: "\(what)“\(name)”重复定义（第一次在 \(first)）", location: location, length: length,
            suggestion: "改用另一个名称，或删除其中一处。"
        )
    }

    /// E207: a policy line whose value is not one of the allowed words.
    public static func notAllowed(_ what: String, _ value: String, allowed: [String], at location: SourceLocation, length: Int, closest: String?) -> Diagnostic {
        Diagnostic(
            code: "E207", message: "\(what)不能是“\(value)”，只能是：\(allowed.joined(separator: "、"))", location: location,
            length: length, suggestion: closest.map { "您是否想写“\($0)”？" }
        )
    }

    /// E208: tiers that overlap or leave a gap.
    public static func tierGap(_ description: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E208", message: "分档\(description)", location: location, length: length,
            suggestion: "分档按左闭右开写作 [80, 90)、[90, 100)、[100, 以上)：每档的下限等于上一档的上限。"
        )
    }

    /// E209: a required policy line is missing.
    public static func missingLine(_ what: String, policy: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E209", message: "政策 \(policy) 缺少“\(what)”", location: location, length: length,
            suggestion: "在政策中加一行“\(what) …”。"
        )
    }
}

extension CheckerMessage {
    /// E210: comparisons joined by 且 that no value can satisfy together.
    public static func neverHolds(_ what: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E210", message: "条件永远不能成立：\(what)", location: location, length: length,
            suggestion: "检查比较方向和数值；需要“或”的地方是否写成了“且”？"
        )
    }

    /// E211: a parameter with no value for part of a policy's validity window.
    public static func parameterGap(_ name: String, first: String, validFrom: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E211", message: "参数“\(name)”最早自 \(first) 起才有值，但政策自 \(validFrom) 起有效", location: location,
            length: length, suggestion: "为参数补上“自 \(validFrom) 起 …”的取值，或推迟政策的有效期。"
        )
    }

    /// E212: two policies of one exclusive group with the same priority and no rule for ties.
    public static func exclusiveTie(_ group: String, _ other: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E212", message: "互斥组“\(group)”中本政策与 \(other) 优先级相同，且没有并列时的规则", location: location,
            length: length, suggestion: "改成不同的优先级，或在互斥行末加“就高”（金额高者优先）。"
        )
    }

    /// W201: a policy without its legal basis (it cannot be approved until it has one).
    public static func missingBasis(_ policy: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            severity: .warning, code: "W201", message: "政策 \(policy) 没有写依据（文件名、文号、条款）", location: location,
            length: length, suggestion: "加一行 依据 “《文件名》（文号）第几条”；没有依据的政策不能审核发布。"
        )
    }
}

extension CheckerMessage {
    /// E213: facts that depend on each other in a circle.
    public static func cycle(_ name: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E213", message: "事实“\(name)”循环引用了自己", location: location, length: length,
            suggestion: "事实之间不能互相定义；把其中一个改为直接由数据字段计算。"
        )
    }
}

extension CheckerMessage {
    /// E203: the two branches of `若 … 则 … 否则 …` in different units.
    public static func branchUnitMismatch(_ then: String, _ otherwise: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E203", message: "单位不一致：“则”之后是\(then)，“否则”之后是\(otherwise)", location: location, length: length,
            suggestion: then == "万元" || otherwise == "万元"
                ? "1 万元 = 10000 元：两个分支写成同一单位，例如都写 万元 或都写 元。"
                : "“则”和“否则”之后的两个值要用同一单位。"
        )
    }

    /// E203: a percentage multiplied by a percentage.
    public static func percentTimesPercent(at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E203", message: "单位不一致：百分数不能与百分数相乘", location: location, length: length,
            suggestion: "百分数用来乘一个有单位的量，例如 失业保险缴费 * 60 %；要取比例的比例，把其中一个写成小数，如 0.5 * 30 %。"
        )
    }

    /// E203: a division by a percentage.
    public static func divisionByPercent(at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E203", message: "单位不一致：不能除以百分数", location: location, length: length,
            suggestion: "按比例计算用乘法，例如 失业保险缴费 * 60 %；确需相除时把比例写成小数，如 / 0.6。"
        )
    }
}
