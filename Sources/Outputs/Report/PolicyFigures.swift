/// One policy of the run: the counts of the results table and what is granted.
public struct PolicyFigures: Sendable {
    public var id: String
    public var title: String
    public var subject: String
    /// 直接兑现, 依申请 or 提醒.
    public var mode: String?
    /// 月, 年 or 一次性.
    public var period: String?
    /// False for policies that grant no money (提醒).
    public var grantsMoney: Bool
    public var eligible = 0
    public var ineligible = 0
    public var unknown = 0
    public var excluded = 0
    public var overBudget = 0
    /// What the eligible are granted per period.
    public var eligibleFen: Int64 = 0
    /// The yearly budget; nil without one.
    public var budgetFen: Int64?

    public init(id: String, title: String, subject: String, mode: String?, period: String?, grantsMoney: Bool, budgetFen: Int64?) {
        self.id = id
        self.title = title
        self.subject = subject
        self.mode = mode
        self.period = period
        self.grantsMoney = grantsMoney
        self.budgetFen = budgetFen
    }

    public var evaluated: Int { eligible + ineligible + unknown + excluded + overBudget }

    /// 月 policies spend twelve times their amount a year, as budgets are spent (BatchDecisions).
    public var yearlyFen: Int64 { period == "月" ? eligibleFen * 12 : eligibleFen }

    /// The share of the yearly budget the eligible use (may exceed 1 only by rounding); nil without a budget.
    public var budgetUsed: Double? {
        guard let budgetFen, budgetFen > 0 else { return nil }
        return Double(yearlyFen) / Double(budgetFen)
    }
}
