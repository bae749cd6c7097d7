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
