public import Datasets

/// A licence (电子证照) called up as an application material, with its state on the run's
/// as-of date. An expired licence, one expiring within `Material.expiringWithin` days, or one
/// not found is flagged, never silently attached.
public struct Material: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case valid = "有效"
        case expiring = "即将到期"
        case expired = "已过期"
        case missing = "未调取到"
    }

    /// Days before expiry from which a licence is flagged as 即将到期.
    public static let expiringWithin = 30

    /// 证照类型.
    public var type: String
    public var number: String?
    public var issued: Day?
    /// nil: 长期有效 (or not found).
    public var expires: Day?
    public var status: Status
    /// Days from the as-of date to the expiry (negative once expired); nil without an expiry.
    public var daysLeft: Int?

    public var flagged: Bool { status != .valid }

    public init(type: String, number: String?, issued: Day?, expires: Day?, status: Status, daysLeft: Int?) {
        self.type = type
        self.number = number
        self.issued = issued
        self.expires = expires
        self.status = status
        self.daysLeft = daysLeft
    }

    /// A licence held, judged on `asOf`: expired after its 有效期至, 即将到期 within 30 days of it.
    /// `expires` nil (or 9999-12-31, the schema's 长期有效) never expires.
    public static func held(type: String, number: String, issued: Day?, expires: Day?, asOf: Day) -> Material {
        let lasting = expires.map { $0.components.year >= 9999 } ?? true
        guard let expires, !lasting else {
            return Material(type: type, number: number, issued: issued, expires: nil, status: .valid, daysLeft: nil)
        }
        let days = Int(expires.daysSinceEpoch - asOf.daysSinceEpoch)
        let status: Status = days < 0 ? .expired : days <= expiringWithin ? .expiring : .valid
        return Material(type: type, number: number, issued: issued, expires: expires, status: status, daysLeft: days)
    }

    /// A licence the form needs that the holder does not have (or not an active one).
    public static func missing(type: String) -> Material {
        Material(type: type, number: nil, issued: nil, expires: nil, status: .missing, daysLeft: nil)
    }

    /// What the page and the summary say about it: 有效, 即将到期（剩 12 天）, 已过期（过期 3 天）.
    public var statusText: String {
        switch status {
        case .valid: "有效"
        case .expiring: "即将到期（剩 \(daysLeft ?? 0) 天）"
        case .expired: "已过期（过期 \(-(daysLeft ?? 0)) 天）"
        case .missing: "未调取到，申请时提交"
        }
    }
}
