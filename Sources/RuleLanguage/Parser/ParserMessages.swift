public import Diagnostics

/// Every message of the parsing stage, in one place, with stable codes (docs/rule-language.md).
public enum ParserMessage {
    /// E101: the grammar needs one thing here and found another.
    public static func expected(_ what: String, found: String, at location: SourceLocation, length: Int, suggestion: String? = nil) -> Diagnostic {
        Diagnostic(
            code: "E101", message: "此处应为\(what)，实际为\(found)", location: location, length: length,
            suggestion: suggestion
        )
    }

    /// E102: a line inside a policy that starts with no known keyword.
    public static func unknownPolicyLine(_ word: String, at location: SourceLocation, length: Int, closest: String?) -> Diagnostic {
        Diagnostic(
            code: "E102", message: "政策中不认识以“\(word)”开头的一行", location: location, length: length,
            suggestion: closest.map { "您是否想写“\($0)”？" }
                ?? "政策中的每一行以这些词开头：\(Keyword.policyLines.map(\.rawValue).joined(separator: "、"))。"
        )
    }

    /// E103: a block (政策, 参数, 分档) that is never closed with 结束.
    public static func missingEnd(of block: String, openedAtLine line: Int, at location: SourceLocation) -> Diagnostic {
        // A block named by an ASCII id (政策 T-1) is followed by a space, as Chinese text around codes is.
        let spaced = block.last.map { $0.isASCII } == true ? block + " " : block
        return Diagnostic(
            code: "E103", message: "第 \(line) 行开始的\(spaced)没有以“结束”收尾", location: location,
            suggestion: "在\(spaced)的最后一行之后单独写一行“结束”。"
        )
    }

    /// E104: something at the top of a file that is not a declaration.
    public static func unexpectedTopLevel(found: String, at location: SourceLocation, length: Int, closest: String?) -> Diagnostic {
        Diagnostic(
            code: "E104", message: "文件顶层不能以\(found)开头", location: location, length: length,
            suggestion: found == "“\(Keyword.premise.rawValue)”"
                ? "“前提”写在政策里（前提 户籍在本区），标明该政策的适用范围；文件顶层的共用条件用“条件”定义。"
                : closest.map { "您是否想写“\($0)”？" } ?? "文件顶层只能写“政策”“条件”“事实”“参数”。"
        )
    }

    /// E105: an expression was expected.
    public static func expectedExpression(found: String, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E105", message: "此处应为条件或数值表达式，实际为\(found)", location: location, length: length,
            suggestion: "例如：周岁(出生日期) >= 80、户籍地 属于 二七区、年收入 / 12。"
        )
    }

    /// E106: `若 … 则 … 否则 …` as an operand, where it must be in parentheses.
    public static func conditionalNeedsParentheses(at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E106", message: "“若 … 则 … 否则 …”用在运算之中时要整体加括号", location: location, length: length,
            suggestion: "例如 失业保险缴费 * (若 大型企业 则 30 % 否则 60 %)。"
        )
    }

    /// The form of a conditional, suggested when its 则 or 否则 is missing (E101).
    public static let conditionalForm =
        "条件取值写作：若 条件 则 值 否则 值，例如 若 从业人数 >= 300 人 则 30 % 否则 60 %；“若”“则”“否则”前后要有空格。"

    /// E107: an expression nested deeper than the parser reads (brackets, 非, 负号, 若, 取值表).
    public static func tooDeep(nesting: Int, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E107", message: "表达式嵌套太深：括号、“非”、负号、“若”和取值表最多嵌套 \(nesting) 层", location: location,
            length: length, suggestion: "把里层的部分定义成事实（事实 名称：表达式），再在这里用它的名称。"
        )
    }

    /// E107: an expression whose operations chain or nest beyond the limit (a 且 of hundreds of comparisons).
    public static func tooLong(depth: Int, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E107", message: "表达式太长：运算（且、或、+ 等）连写或嵌套超过 \(depth) 层", location: location, length: length,
            suggestion: "把其中几段分别定义成事实或条件，再组合它们的名称；列举多个取值用 属于 (甲, 乙, …)。"
        )
    }

    /// The form of a lookup table, suggested when one of its rows is malformed (E101).
    public static let lookupForm =
        "取值表写作：按 字段 取值，下面每行“取值: 值”（几个取值共用一个值时用逗号隔开），可选一行“其他: 值”，最后一行“结束”。"

    /// E107: facts that use facts that use facts …, nested deeper than the checker follows.
    public static func tooDeepThroughFacts(depth: Int, at location: SourceLocation, length: Int) -> Diagnostic {
        Diagnostic(
            code: "E107", message: "表达式太长：连同其中引用的事实（事实又引用事实……）嵌套超过 \(depth) 层", location: location,
            length: length, suggestion: "减少事实之间的层层引用：把长的事实拆短，或直接由数据字段计算。"
        )
    }
}
