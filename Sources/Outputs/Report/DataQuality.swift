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
