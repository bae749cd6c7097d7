public import Diagnostics

/// Messages of the checking stage added with the checks on repeated lines, conditions,
/// parameter units, names of functions, divisions and codes, and comparisons of text.
extension CheckerMessage {
    /// E205: a line a policy may have only once, written again.
    public static func repeatedLine(_ keyword: String, at location: SourceLocation, length: Int, first: SourceLocation) -> Diagnostic {
        Diagnostic(
            code: "E205", message: "“\(keyword)”行重复：一项政策只能有一行“\(keyword)”（第一次在 \(first)）", location: location,
            length: length,
            suggestion: keyword == "金额"
                ? "保留一行“金额”；金额因情况而不同时写 金额 若 条件 则 甲 否则 乙，或 金额 按 … 分档。"
                : "保留正确的一行，删除另一行。"
        )
    }

    /// W202: a policy without any condition, for which everyone qualifies.
    public static func noConditions(_ policy: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            severity: .warning, code: "W202", message: "政策 \(policy) 没有任何条件：所有对象都将符合", location: location,
            length: length, suggestion: "按原文写出享受条件，例如 条件 户籍在本区；至少写一个条件。"
        )
    }

    /// E203: a parameter value in another unit than the parameter's.
    public static func parameterUnit(_ name: String, declared: String?, written: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E203", message: "单位不一致：参数“\(name)”\(declared.map { "以\($0)计" } ?? "没有单位")，此取值是\(written)",
            location: location, length: length,
            suggestion: declared.map { unit in
                unit == "万元" && written == "元"
                    ? "取值写成万元（1 万元 = 10000 元，例如 50000 元 写成 5 万元），或把参数的单位改成 元。"
                    : "取值写成参数的单位（\(unit)）；参数以元计时取值也可以写万元，按 1 万元 = 10000 元 换算。"
            } ?? "在参数名后写上单位，例如 参数 \(name) \(written)。"
        )
    }

    /// E201: a built-in function written without its parentheses (周岁 >= 80).
    public static func functionWithoutCall(_ name: String, example: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E201", message: "不认识“\(name)”：\(name)是函数，要带括号写出参数", location: location, length: length,
            suggestion: "\(name)要写成函数：\(example)"
        )
    }

    /// E201: a name after 属于 for a division field that names no division.
    public static func unknownDivision(_ name: String, at location: SourceLocation, length: Int, closest: String?) -> Diagnostic {
        Diagnostic(
            code: "E201", message: "不认识区划“\(name)”", location: location, length: length,
            suggestion: closest.map { "您是否想写“\($0)”？" }
                ?? "可写 郑州市、郑州市的区县（如 二七区）或二七区的街道、乡镇（如 淮河路街道），见 Rules/schemas/divisions.yaml；其他区划用引号括起代码。"
        )
    }

    /// E201: a code written bare after `=` with an industry code field (行业代码 = C).
    public static func industryEquality(_ field: String, _ code: String, negated: Bool, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E201", message: "不认识“\(code)”：行业代码要用“属于”按门类或大类匹配，不能用“\(negated ? "!=" : "=")”",
            location: location, length: length,
            suggestion: "写成 \(negated ? "非 " : "")\(field) 属于 (\(code))。"
        )
    }

    /// E202: `>`, `<`, `>=` or `<=` with text, a listed value or 是/否, which have no order.
    public static func unordered(_ found: RuleType, at location: SourceLocation, length: Int) -> Diagnostic {
        typeMismatch(
            expected: "数值或日期", found: found, at: location, length: length,
            hint: "“>”“<”“>=”“<=”只比较数值或日期；文字和取值只能用 = 或 != 比较，按代码开头匹配用 属于，例如 行业代码 属于 (C)。"
        )
    }

    /// E202: an operand of 合计, 最大 or 最小 that is not a number (or, for 最大/最小, a date).
    public static func aggregateOperand(_ function: String, found: RuleType, at location: SourceLocation, length: Int) -> Diagnostic {
        let dates = function != "合计"
        return typeMismatch(
            expected: dates ? "数值或日期" : "数值", found: found, at: location, length: length,
            hint: dates ? "例如 \(function)(家庭成员.个人年收入)、\(function)(家庭成员.出生日期)。" : "例如 合计(家庭成员.个人年收入)。"
        )
    }

    /// E202: an item after 属于 for a number that is not a number written out.
    public static func numericMember(found: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E202", message: "此处应为数字，实际为\(found)", location: location, length: length,
            suggestion: "数值的 属于 列出具体数字，例如 残疾等级 属于 (1, 2)。"
        )
    }
}

/// Messages of the built-ins 已填/未填, 最小/最大 of several values, 持有有效证照, 本项金额, and of
/// lookup tables (按 … 取值).
extension CheckerMessage {
    /// E202: 已填/未填 of something that is not a data field.
    public static func presenceOperand(_ function: String, found: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E202", message: "此处应为一个数据字段，实际为\(found)", location: location, length: length,
            suggestion: "\(function) 判断一个字段是否有值，例如 \(function)(首次升规年份)、任一(\(function)(证照.有效期至))。"
        )
    }

    /// W205: 已填/未填 of a field whose empty cell the import stores as a stated value (schema `empty:`
    /// without `when`): the field is never empty, so 已填 is always 是 and 未填 always 否.
    public static func alwaysFilled(_ function: String, field: String, value: String, meaning: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            severity: .warning, code: "W205",
            message: "\(field)为空时，导入按数据规范记为 \(value)（\(meaning)），这个字段从不为空：\(function)(…) 总是“\(function == "已填" ? "是" : "否")”",
            location: location, length: length,
            suggestion: "要判断的是“\(meaning)”时，直接比较取值（如 \(field) = \(value)）；空值确实要当作未知时，在数据规范中去掉或用 when 限定这条 empty。"
        )
    }

    /// E203: 最小/最大 of numbers in different units.
    public static func extremeUnitMismatch(_ function: String, _ first: String, _ other: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E203", message: "单位不一致：\(function)(…) 的第一项是\(first)，这一项是\(other)", location: location, length: length,
            suggestion: "\(function)(…) 的各项要用同一单位，例如都以元计：\(function)(基础补贴 + 计数(家庭成员) * 100 元, 3000 元)。"
        )
    }

    /// E203: the values of a lookup table in different units.
    public static func lookupUnitMismatch(_ first: String, _ unit: String, _ other: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E203", message: "单位不一致：取值表的第一个值（\(first)）是\(unit)，这个值是\(other)", location: location, length: length,
            suggestion: "取值表中的值要用同一单位，例如都写 元。"
        )
    }

    /// E214: 本项金额 inside the amount it names, or where there is no amount.
    public static func ownAmountMisused(circular: Bool, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E214",
            message: circular ? "“本项金额”不能用在金额自身的计算中（金额会由它自己定义）"
                : "“本项金额”只能用在有“金额”行的政策的条件中",
            location: location, length: length,
            suggestion: circular ? "金额行直接写出计算式；本项金额用在条件中，例如 条件 有补贴 “补贴额大于 0”：本项金额 > 0 元。"
                : "给政策加一行“金额 …”，或在条件中直接写出要比较的计算式。"
        )
    }

    /// E215: a key listed twice in one lookup table.
    public static func duplicateLookupKey(_ key: String, at location: SourceLocation, length: Int, first: SourceLocation) -> Diagnostic {
        Diagnostic(
            code: "E215", message: "取值表中“\(key)”重复（第一次在 \(first)）", location: location, length: length,
            suggestion: "每个取值只写一次；几个取值共用一个值时写在同一行，用逗号隔开：学前, 小学: 1000 元。"
        )
    }

    /// W203: a lookup table on a field with listed values that leaves some out and has no 其他.
    public static func uncoveredLookup(_ missing: [String], at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            severity: .warning, code: "W203",
            message: "取值表没有列出 \(missing.joined(separator: "、"))，也没有“其他”：这些取值的结果为未知（转人工复核）",
            location: location, length: length,
            suggestion: "补上这些取值，或加一行“其他: 值”；确实无法判定时保留现状，并在事实或条件的说明中写明原因。"
        )
    }

    /// W204: a licence type that is not in the licences schema's list (kept by hand, so only a warning).
    public static func unlistedLicenceType(_ value: String, allowed: [String], at location: SourceLocation, length: Int, closest: String?) -> Diagnostic {
        Diagnostic(
            severity: .warning, code: "W204",
            message: "证照类型“\(value)”不在数据规范 Rules/schemas/licences.yaml 的证照类型中：只有以此类型导入（带 unknown_value 警告）的证照会与之匹配",
            location: location, length: length,
            suggestion: closest.map { "您是否想写“\($0)”？" }
                ?? "可用的证照类型：\(allowed.joined(separator: "、"))；新的证照类型先加到 licences.yaml 中。"
        )
    }

    /// E216: a 发放顺序 by a field that has no order (text, a code, 是/否).
    public static func unorderedGrantField(_ field: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E216", message: "发放顺序不能按“\(field)”排序：只能按日期或数值字段排序", location: location, length: length,
            suggestion: "改按日期或数值字段排序，例如 发放顺序 按 出生日期 升序（年长者优先）；不写发放顺序时按对象编号升序发放。"
        )
    }
}
