public import Datasets

/// One auto-filled application, as plain values: what the XML and the printable page show.
/// Personal data is already masked where the form says so; everything else is shown as is.
public struct Application: Sendable {
    public struct Policy: Sendable {
        public var id: String
        public var title: String
        public var department: String?
        public var basis: String?

        public init(id: String, title: String, department: String?, basis: String?) {
            self.id = id
            self.title = title
            self.department = department
            self.basis = basis
        }
    }

    /// The applicant (the policy's subject) or the payee (领取人).
    public struct Party: Sendable {
        /// 企业, 居民 or 家庭.
        public var kind: String
        /// 统一社会信用代码, 身份证号 (masked) or 户号.
        public var id: String
        public var name: String?

        public init(kind: String, id: String, name: String?) {
            self.kind = kind
            self.id = id
            self.name = name
        }
    }

    /// A field of the form with its value in the XSD's lexical form; nil: unknown (written as
    /// xsi:nil and printed as 未知, to be supplied when applying, never a default).
    public struct FilledField: Sendable {
        public var field: FormField
        public var value: String?
        /// How a person reads it when that differs from the value (注册地: 二七区淮河路街道).
        public var shown: String?

        public init(field: FormField, value: String?, shown: String? = nil) {
            self.field = field
            self.value = value
            self.shown = shown
        }
    }

    public struct Condition: Sendable {
        public var label: String
        public var basis: String?
        /// As the explanation renderer prints it: ✓ 招用高校毕业生（新招高校毕业生人数=3）　依据 ….
        public var line: String

        public init(label: String, basis: String?, line: String) {
            self.label = label
            self.basis = basis
            self.line = line
        }
    }

    public var number: String
    public var form: FormDefinition
    public var policy: Policy
    /// 一次性, 2025年, 2025年12月.
    public var period: String
    public var asOf: Day
    public var applicant: Party
    public var payee: Party
    public var fields: [FilledField]
    /// In 元 with two decimals (4500.00).
    public var amount: String
    /// How the amount is computed, with the values it read: one line per step.
    public var calculation: [String]
    public var conditions: [Condition]
    public var materials: [Material]

    public init(
        number: String, form: FormDefinition, policy: Policy, period: String, asOf: Day, applicant: Party, payee: Party,
        fields: [FilledField], amount: String, calculation: [String], conditions: [Condition], materials: [Material]
    ) {
        self.number = number
        self.form = form
        self.policy = policy
        self.period = period
        self.asOf = asOf
        self.applicant = applicant
        self.payee = payee
        self.fields = fields
        self.amount = amount
        self.calculation = calculation
        self.conditions = conditions
        self.materials = materials
    }
}
