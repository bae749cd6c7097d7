internal import Foundation

/// What a node's vector holds in the columnar engine, decided once per node before any row is
/// read: numbers are exact fixed point (`fixed(s)`: integer units of 10^-s) unless exactness
/// needs Foundation `Decimal` (after a division: the same operations as the reference).
enum SlotKind: Equatable {
    case bool
    case fixed(Int)
    /// A quotient of two fixed-point numbers kept as numerator (`ints`, scale `num`) and
    /// denominator (`dens`, scale `den`, never 0): compared exactly by cross-multiplication,
    /// turned into the reference's `Decimal` division wherever it is computed with further.
    case quotient(num: Int, den: Int)
    case decimal
    /// Days since 1970-01-01.
    case date
    /// A `TextDictionary` code.
    case code
    /// A related field read outside an aggregate (only `已填`/`未填` make sense of it).
    case list(DatasetKindTag)
    /// Always unknown (operands of the wrong kinds: the reference yields unknown too).
    case unknown

    var isNumber: Bool {
        switch self {
        case .fixed, .quotient, .decimal: true
        default: false
        }
    }

    /// The largest scale kept as fixed point; beyond it numbers are `Decimal`s.
    static let maxScale = 18

    /// The kind both branches of a choice (or all values of a table) fit in, or nil when they
    /// cannot share one vector (a number in one branch, a date in the other).
    static func unify(_ kinds: [SlotKind]) -> SlotKind? {
        let known = kinds.filter { $0 != .unknown }
        guard let first = known.first else { return .unknown }
        if known.allSatisfy(\.isNumber) {
            if known.contains(where: { if case .fixed = $0 { false } else { true } }) { return .decimal }
            let scale = known.map { if case .fixed(let s) = $0 { s } else { 0 } }.max() ?? 0
            return scale > maxScale ? .decimal : .fixed(scale)
        }
        if case .list = first { return nil }
        return known.allSatisfy { $0 == first } ? first : nil
    }
}

/// The related collection of a list kind (a `DatasetKind` without importing it here twice).
enum DatasetKindTag: Equatable {
    case members, licences
}

/// Exact decimal text ("108.65", "-3", "30") as integer units and scale; nil for anything else.
func parseFixed(_ text: String) -> (units: Int64, scale: Int)? {
    var units: Int64 = 0
    var scale = 0
    var seenPoint = false
    var digits = 0
    var negative = false
    for (i, byte) in text.utf8.enumerated() {
        switch byte {
        case UInt8(ascii: "-") where i == 0: negative = true
        case UInt8(ascii: "+") where i == 0: continue
        case UInt8(ascii: "."):
            guard !seenPoint else { return nil }
            seenPoint = true
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (m, o1) = units.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            units = a
            digits += 1
            if seenPoint { scale += 1 }
        default:
            return nil
        }
    }
    guard digits > 0, scale <= SlotKind.maxScale else { return nil }
    return (negative ? -units : units, scale)
}

/// Powers of ten that fit in Int64.
let powersOfTen: [Int64] = (0...18).map { (0..<$0).reduce(Int64(1)) { acc, _ in acc * 10 } }

/// A fixed-point value as a `Decimal` (exact).
@inline(__always)
func decimalValue(_ units: Int64, scale: Int) -> Decimal {
    Decimal(sign: units < 0 ? .minus : .plus, exponent: -scale, significand: Decimal(units.magnitude))
}

/// Compares two fixed-point values of any scales exactly: -1, 0 or 1.
@inline(__always)
func compareFixed(_ a: Int64, _ sa: Int, _ b: Int64, _ sb: Int) -> Int {
    var x = Int128(a)
    var y = Int128(b)
    if sa < sb { x *= Int128(powersOfTen[sb - sa]) } else if sb < sa { y *= Int128(powersOfTen[sa - sb]) }
    return x < y ? -1 : (x == y ? 0 : 1)
}
