public import Outputs

/// What `applications generate` did: the applications kept, those that failed XSD validation
/// (not kept), the flagged materials, and the 依申请 policies that have no form.
public struct ApplicationSummary: Sendable {
    public struct Written: Sendable {
        public var number: String
        public var policyID: String
        public var title: String
        public var period: String
        /// Masked where it is personal data (身份证号); 统一社会信用代码 and 户号 in full.
        public var entity: String
        public var payee: String
        public var amount: String
        public var flagged: [Material]
        /// Relative to the output directory.
        public var xml: String
        public var html: String
    }

    public struct Failed: Sendable {
        public var number: String
        public var policyID: String
        public var entity: String
        public var problems: [String]
    }

    public var runID: Int64
    public var asOf: String
    public var written: [Written] = []
    /// Eligible in the run but gone from the profiles since (retired by a later import): not written.
    public var gone: [Failed] = []
    public var failed: [Failed] = []
    /// Eligible, but paid to a 户主 / 监护人 the data do not give (as the grants ledger leaves them): not written.
    public var withoutPayee: [Failed] = []
    /// 依申请 policies of the run without a form in `Rules/forms/`.
    public var withoutForm: [String] = []
    /// Application numbers not offered again: the applicant declined (已拒绝) this benefit for its period.
    public var declined: [String] = []
    /// Relative to the output directory.
    public var index = ApplicationBatch.indexName
}
