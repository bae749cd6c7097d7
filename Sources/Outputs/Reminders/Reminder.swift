/// One reminder a 提醒 policy produced in a run: whom to remind, of what, and whom they contact.
/// For a licence reminder (证照到期提醒) it names the licence that is about to expire.
public struct Reminder: Sendable, Equatable {
    public struct Licence: Sendable, Equatable {
        public var type: String
        public var number: String
        /// YYYY-MM-DD.
        public var expiry: String
        /// From the run's as-of date to the expiry (0: expires that day).
        public var daysLeft: Int

        public init(type: String, number: String, expiry: String, daysLeft: Int) {
            self.type = type
            self.number = number
            self.expiry = expiry
            self.daysLeft = daysLeft
        }
    }

    public var policyID: String
    public var policyTitle: String
    /// 居民, 家庭 or 企业.
    public var subject: String
    /// 统一社会信用代码, 身份证号 or 户号.
    public var holderID: String
    /// 企业名称 or 姓名; empty when the profile has none.
    public var holderName: String
    /// The street or town, as reports show it (淮河路街道（410103001）); empty when unknown.
    public var street: String
    /// nil for reminders not about a licence (小微企业惠企政策提醒).
    public var licence: Licence?
    /// The policy's 部门: the office to contact.
    public var office: String

    public init(
        policyID: String, policyTitle: String, subject: String, holderID: String, holderName: String, street: String,
        licence: Licence?, office: String
    ) {
        self.policyID = policyID
        self.policyTitle = policyTitle
        self.subject = subject
        self.holderID = holderID
        self.holderName = holderName
        self.street = street
        self.licence = licence
        self.office = office
    }

    /// The CSV header of `reminders list --format csv` (the push issue reads it).
    public static let csvHeader = [
        "policy_id", "holder_id", "holder_name", "street", "license_type", "license_no", "expiry_date", "days_left", "office",
    ]

    /// The record's cells under `csvHeader`, unmasked (a machine export).
    public var csvCells: [String] {
        [
            policyID, holderID, holderName, street, licence?.type ?? "", licence?.number ?? "", licence?.expiry ?? "",
            licence.map { String($0.daysLeft) } ?? "", office,
        ]
    }
}
