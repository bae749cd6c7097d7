internal import Crypto
public import Datasets

/// The benefit period an application is for, from the policy's 周期 and the run's as-of date,
/// and the application number derived from policy, entity and period only: the same benefit
/// keeps the same number every night, whatever day the run happens.
public struct BenefitPeriod: Sendable, Hashable {
    /// 一次性, 2025年, 2025年12月.
    public var label: String
    /// ONCE, 2025, 202512.
    public var code: String

    /// 一次性 (and no 周期): once; 年: the as-of year; 月: the as-of month.
    public init(cycle: String?, asOf: Day) {
        let (year, month, _) = asOf.components
        let yyyy = String(year)
        let mm = month < 10 ? "0\(month)" : String(month)
        switch cycle {
        case "年": (label, code) = ("\(yyyy)年", yyyy)
        case "月": (label, code) = ("\(yyyy)年\(mm)月", yyyy + mm)
        default: (label, code) = ("一次性", "ONCE")
        }
    }
}

public enum ApplicationNumber {
    /// `QY-KGBZ-ONCE-3F2A…` (16 hex digits of SHA-256 over policy, entity and period).
    public static func make(policyID: String, entityID: String, period: BenefitPeriod) -> String {
        let digest = SHA256.hash(data: Array("\(policyID)\n\(entityID)\n\(period.code)".utf8))
        let hex = digest.prefix(8).map { byte in
            let text = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + text : text
        }.joined()
        return "\(policyID)-\(period.code)-\(hex)"
    }
}
