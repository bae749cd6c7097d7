/// The words the parser reads as keywords in keyword positions, each with its English alias.
/// Elsewhere the same spelling is an ordinary name, so officials can name facts freely.
public enum Keyword: String, CaseIterable, Sendable {
    case policy = "政策", end = "结束", condition = "条件", fact = "事实", parameter = "参数"
    case domain = "领域", department = "部门", basis = "依据", subject = "对象", payee = "领取人"
    case mode = "方式", validity = "有效期", to = "至", period = "周期", budget = "预算"
    case exclusive = "互斥", priority = "优先级", higherWins = "就高", version = "版本"
    case amount = "金额", by = "按", tiers = "分档", cap = "上限", from = "自", onwards = "起", above = "以上"
    case and = "且", or = "或", not = "非", memberOf = "属于", yes = "是", no = "否"
    /// `若 条件 则 甲 否则 乙`: keywords where an expression (若) or its branches (则, 否则) are read.
    /// Like 且/或, a name spelled exactly 若, 则 or 否则 (if, then, else) cannot be used inside an
    /// expression; names that merely contain them (否则金额, 若干人数) are whole words and unaffected.
    case `if` = "若", then = "则", `else` = "否则"
    /// `前提 户籍在本区`: a condition line marked as the policy's scope (户籍, 健在, 注册地 …).
    case premise = "前提"
    /// `按 学段 取值 … 其他: … 结束`: a lookup table (取值 after the key, 其他 for every other value).
    case lookup = "取值", otherwise = "其他"
    /// `发放顺序 按 出生日期 升序`: the order a policy with a 预算 grants in until the budget is spent.
    case grantOrder = "发放顺序"

    public var english: String {
        switch self {
        case .policy: "policy"
        case .end: "end"
        case .condition: "condition"
        case .fact: "fact"
        case .parameter: "parameter"
        case .domain: "domain"
        case .department: "department"
        case .basis: "basis"
        case .subject: "subject"
        case .payee: "payee"
        case .mode: "mode"
        case .validity: "valid"
        case .to: "to"
        case .period: "period"
        case .budget: "budget"
        case .exclusive: "exclusive"
        case .priority: "priority"
        case .higherWins: "higher_wins"
        case .version: "version"
        case .amount: "amount"
        case .by: "by"
        case .tiers: "tiers"
        case .cap: "cap"
        case .from: "from"
        case .onwards: "onwards"
        case .above: "above"
        case .and: "and"
        case .or: "or"
        case .not: "not"
        case .memberOf: "in"
        case .yes: "yes"
        case .no: "no"
        case .if: "if"
        case .then: "then"
        case .else: "else"
        case .premise: "premise"
        case .lookup: "lookup"
        case .otherwise: "other"
        case .grantOrder: "grant_order"
        }
    }

    /// The keyword a word spells, in Chinese or English (any case). The lexer asks this of every
    /// word of every rule file: one table look-up, not a comparison with each keyword.
    public init?(word: String) {
        if let keyword = Self.spellings[word] {
            self = keyword
        } else if word.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }),
                  let keyword = Self.spellings[word.lowercased()] {
            self = keyword
        } else {
            return nil
        }
    }

    private static let spellings: [String: Keyword] = Dictionary(
        allCases.flatMap { [($0.rawValue, $0), ($0.english, $0)] }, uniquingKeysWith: { first, _ in first }
    )

    /// Keywords that begin a line inside a policy.
    public static let policyLines: [Keyword] = [
        .domain, .department, .basis, .subject, .payee, .mode, .validity, .period, .budget, .exclusive, .version,
        .condition, .amount, .premise, .grantOrder,
    ]
}
