/// What an analyst's report of one run says, as plain values: Pipeline reads the store and the
/// run and fills this in; `ReportHTML` and `ReportCSV` render it. Amounts are in 分.
public struct RunReport: Sendable {
    public struct Header: Sendable {
        public var runID: Int64
        public var asOf: String
        public var engine: String
        public var finishedAt: String
        public var includeDrafts: Bool
        public var rulesSHA256: String
        public var resultsSHA256: String

        public init(
            runID: Int64, asOf: String, engine: String, finishedAt: String, includeDrafts: Bool, rulesSHA256: String,
            resultsSHA256: String
        ) {
            self.runID = runID
            self.asOf = asOf
            self.engine = engine
            self.finishedAt = finishedAt
            self.includeDrafts = includeDrafts
            self.rulesSHA256 = rulesSHA256
            self.resultsSHA256 = resultsSHA256
        }
    }

    public var header: Header
    /// Subject (居民, 家庭, 企业) → entities evaluated.
    public var populations: [String: Int]
    /// In policy id order.
    public var policies: [PolicyFigures]
    /// The townships of 二七区 by name (every listed one, then unlisted codes, then the rest).
    public var streets: [AreaFigures]
    /// Enterprises by 门类 (GB/T 4754), over the policies for enterprises.
    public var industries: [AreaFigures]
    /// Against the run before this one; nil when there is none.
    public var comparison: Comparison?
    public var quality: DataQuality

    public init(
        header: Header, populations: [String: Int], policies: [PolicyFigures], streets: [AreaFigures], industries: [AreaFigures],
        comparison: Comparison?, quality: DataQuality
    ) {
        self.header = header
        self.populations = populations
        self.policies = policies
        self.streets = streets
        self.industries = industries
        self.comparison = comparison
        self.quality = quality
    }

    /// The document's title (HTML `<title>` and `<h1>`).
    public var title: String { "免申即享运行报告：运行 \(header.runID)（评估日 \(header.asOf)）" }
}

/// Amounts per 周期 (月, 年, 一次性; a policy without one is 期), in 分.
public typealias PeriodAmounts = [String: Int64]

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

/// A street (or an industry): who lives or is registered there and what they were decided.
public struct AreaFigures: Sendable {
    /// The 9-digit division code, or the 门类 letter; empty for the “missing” row.
    public var code: String
    public var name: String
    /// Entities per subject in the area (居民, 家庭, 企业).
    public var entities: [String: Int] = [:]
    /// (entity, policy) pairs eligible (granted).
    public var eligible = 0
    /// Entities granted at least one policy.
    public var beneficiaries = 0
    public var unknown = 0
    public var amounts: PeriodAmounts = [:]

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// What changed since the previous run, per policy (as `mianshen diff` counts it).
public struct Comparison: Sendable {
    public struct Line: Sendable {
        public var policyID: String
        public var title: String
        public var inPrevious: Bool
        public var inCurrent: Bool
        public var newlyEligible: Int
        public var noLongerEligible: Int
        public var amountChanged: Int

        public init(
            policyID: String, title: String, inPrevious: Bool, inCurrent: Bool, newlyEligible: Int, noLongerEligible: Int,
            amountChanged: Int
        ) {
            self.policyID = policyID
            self.title = title
            self.inPrevious = inPrevious
            self.inCurrent = inCurrent
            self.newlyEligible = newlyEligible
            self.noLongerEligible = noLongerEligible
            self.amountChanged = amountChanged
        }
    }

    public var previousRunID: Int64
    public var previousAsOf: String
    public var lines: [Line]

    public init(previousRunID: Int64, previousAsOf: String, lines: [Line]) {
        self.previousRunID = previousRunID
        self.previousAsOf = previousAsOf
        self.lines = lines
    }
}

/// Quarantine, warnings and the missing data behind unknowns.
public struct DataQuality: Sendable {
    public struct Count: Sendable {
        /// The dataset (居民, 企业, 电子证照).
        public var dataset: String
        /// The stable code (bad_check_digit, unknown_division …) and its Chinese label.
        public var code: String
        public var label: String
        /// The field, and for warnings the value the hand-kept list lacks (codes, not personal data).
        public var field: String
        public var value: String
        public var rows: Int

        public init(dataset: String, code: String, label: String, field: String, value: String, rows: Int) {
            self.dataset = dataset
            self.code = code
            self.label = label
            self.field = field
            self.value = value
            self.rows = rows
        }
    }

    /// A field whose missing value left (entity, policy) pairs unknown.
    public struct Missing: Sendable {
        public var policyID: String
        public var title: String
        public var field: String
        /// Unknown pairs of the policy that needed the field.
        public var unknownNeedingIt: Int
        public var unknownTotal: Int
        public var evaluated: Int

        public init(policyID: String, title: String, field: String, unknownNeedingIt: Int, unknownTotal: Int, evaluated: Int) {
            self.policyID = policyID
            self.title = title
            self.field = field
            self.unknownNeedingIt = unknownNeedingIt
            self.unknownTotal = unknownTotal
            self.evaluated = evaluated
        }
    }

    /// Rows quarantined, by dataset and reason (the latest import of each file).
    public var quarantine: [Count]
    /// Rows imported with a warning, by dataset, code, field and value.
    public var warnings: [Count]
    public var missing: [Missing]
    /// An import happened after the run: quarantine and warnings describe the data as it is now.
    public var importedAfterRun: Bool

    public init(quarantine: [Count], warnings: [Count], missing: [Missing], importedAfterRun: Bool) {
        self.quarantine = quarantine
        self.warnings = warnings
        self.missing = missing
        self.importedAfterRun = importedAfterRun
    }
}
