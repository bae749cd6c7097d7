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
