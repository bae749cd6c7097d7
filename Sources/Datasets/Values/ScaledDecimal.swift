/// An exact decimal with a fixed number of fraction digits, held as an integer count of the
/// smallest unit (scale 2: 12.34 元 is 1234 分). Money is never a `Double`.
public struct ScaledDecimal: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let units: Int64
    public let scale: Int

    public init(units: Int64, scale: Int) {
        self.units = units
        self.scale = scale
    }

    /// Parses `-12`, `12.3`, `12.34` (at most `scale` fraction digits; never rounds silently).
    public static func parse(_ text: some StringProtocol, scale: Int) -> ScaledDecimal? {
        var negative = false
        var integer: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenDigit = false
        var seenPoint = false
        var first = true
        for b in text.utf8 {
            defer { first = false }
            switch b {
            case UInt8(ascii: "-") where first:
                negative = true
            case UInt8(ascii: "+") where first:
                continue
            case UInt8(ascii: "."):
                guard !seenPoint else { return nil }
                seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                seenDigit = true
                let digit = Int64(b - UInt8(ascii: "0"))
                if seenPoint {
                    fractionDigits += 1
                    guard fractionDigits <= scale else { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    let (m, o1) = integer.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(digit)
                    guard !o1, !o2, a < 1_000_000_000_000_000 else { return nil }
                    integer = a
                }
            default:
                return nil
            }
        }
        guard seenDigit else { return nil }
        var factor: Int64 = 1
        for _ in 0..<scale { factor *= 10 }
        var frac = fraction
        for _ in fractionDigits..<scale { frac *= 10 }
        let (m, o) = integer.multipliedReportingOverflow(by: factor)
        // 922337203685477.9999 at scale 4: the fraction tips it over (it trapped before).
        let (units, o2) = m.addingReportingOverflow(frac)
        guard !o, !o2 else { return nil }
        return ScaledDecimal(units: negative ? -units : units, scale: scale)
    }

    public var description: String {
        guard scale > 0 else { return String(units) }
        var factor: Int64 = 1
        for _ in 0..<scale { factor *= 10 }
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(factor)
        let frac = String(magnitude % UInt64(factor))
        let padded = String(repeating: "0", count: scale - frac.count) + frac
        return (units < 0 ? "-" : "") + String(whole) + "." + padded
    }

    public static func < (lhs: ScaledDecimal, rhs: ScaledDecimal) -> Bool {
        precondition(lhs.scale == rhs.scale, "compare decimals of one scale")
        return lhs.units < rhs.units
    }
}
