internal import Datasets
internal import Foundation
internal import RuleLanguage

/// Numeric kernels: fixed point on Int64 with overflow sending the row to the reference
/// evaluator; `Decimal` where the plan says exactness needs it.
extension ChunkEvaluator {
    static func scale(_ kind: SlotKind) -> Int {
        switch kind {
        case .fixed(let s), .quotient(let s, _): s
        default: 0
        }
    }

    /// A number as a `Decimal`, whatever its kind.
    @inline(__always)
    func decimal(_ slot: Slot, _ kind: SlotKind, _ i: Int) -> Decimal {
        switch kind {
        case .decimal: slot.decs[i]
        // The reference divides the two Decimals: so do we, only where the value is used.
        case .quotient(let sn, let sd): decimalValue(slot.ints[i], scale: sn) / decimalValue(slot.dens[i], scale: sd)
        default: decimalValue(slot.ints[i], scale: Self.scale(kind))
        }
    }

    /// A fixed-point vector brought to `target`'s scale (a copy only when the scale differs);
    /// overflow on a valid row escapes it.
    func aligned(_ slot: Slot, _ kind: SlotKind, to target: SlotKind, valid: [UInt64], _ frame: Frame) -> [Int64] {
        let from = Self.scale(kind), to = Self.scale(target)
        guard to > from else { return slot.ints }
        let factor = powersOfTen[to - from]
        var out = [Int64](repeating: 0, count: frame.count)
        for i in 0..<frame.count {
            let (r, o) = slot.ints[i].multipliedReportingOverflow(by: factor)
            out[i] = r
            if o, bit(valid, i) { escape(frame, i) }
        }
        return out
    }

    /// Writes `value` (of `kind`) into `out` (of `target`) at row i: numbers converted exactly.
    @inline(__always)
    func store(_ slot: Slot, _ kind: SlotKind, _ i: Int, into out: Slot, _ target: SlotKind, _ frame: Frame, from row: Int? = nil) {
        let r = row ?? i
        switch target {
        case .decimal: out.decs[i] = decimal(slot, kind, r)
        case .fixed(let t):
            let s = Self.scale(kind)
            let (v, o) = slot.ints[r].multipliedReportingOverflow(by: powersOfTen[max(0, t - s)])
            out.ints[i] = v
            if o { escape(frame, i) }
        case .date, .code: out.ints[i] = slot.ints[r]
        case .quotient:
            out.ints[i] = slot.ints[r]
            out.dens[i] = kind == target ? slot.dens[r] : 1
        case .bool: if bit(slot.truth, r) { out.truth[i >> 6] |= 1 << UInt64(i & 63) }
        case .list, .unknown: break
        }
    }

    func age(_ a: Slot, _ kind: SlotKind, _ out: Slot, _ n: Int) {
        guard kind == .date else { return }
        let (y, m, d) = asOfParts
        for w in 0..<((n + 63) >> 6) { out.valid[w] = a.valid[w] }
        for i in 0..<n where bit(a.valid, i) {
            let (by, bm, bd) = Day(daysSinceEpoch: Int32(truncatingIfNeeded: a.ints[i])).components
            out.ints[i] = Int64(y - by - ((m, d) < (bm, bd) ? 1 : 0))
        }
    }

    func days(_ a: Slot, _ b: Slot, _ kind: SlotKind, _ out: Slot, _ n: Int) {
        guard kind == .date else { return }
        for w in 0..<((n + 63) >> 6) { out.valid[w] = a.valid[w] & b.valid[w] }
        for i in 0..<n { out.ints[i] = b.ints[i] &- a.ints[i] }
    }

    func negate(_ a: Slot, _ operand: SlotKind, _ kind: SlotKind, _ out: Slot, _ frame: Frame) {
        guard kind.isNumber else { return }
        for w in 0..<frame.words { out.valid[w] = a.valid[w] }
        for i in 0..<frame.count where bit(a.valid, i) {
            if kind == .decimal {
                out.decs[i] = -decimal(a, operand, i)
            } else {
                let (r, o) = Int64(0).subtractingReportingOverflow(a.ints[i])
                out.ints[i] = r
                if o { escape(frame, i) }
            }
        }
    }

    func convert(_ conversion: Conversion, _ a: Slot, _ kind: SlotKind, _ target: SlotKind, _ out: Slot, _ frame: Frame) {
        guard kind.isNumber else { return }
        for w in 0..<frame.words { out.valid[w] = a.valid[w] }
        for i in 0..<frame.count where bit(a.valid, i) {
            if target == .decimal {
                let x = decimal(a, kind, i)
                out.decs[i] = conversion == .percentToFraction ? x / 100 : x * 10000
            } else if conversion == .percentToFraction {
                out.ints[i] = a.ints[i]   // the same units, two more decimals
            } else {
                let (r, o) = a.ints[i].multipliedReportingOverflow(by: 10000)
                out.ints[i] = r
                if o { escape(frame, i) }
            }
        }
    }

    func arithmetic(_ op: BinaryOperator, _ a: (Slot, SlotKind), _ b: (Slot, SlotKind), _ kind: SlotKind, _ out: Slot, _ frame: Frame) {
        guard a.1.isNumber, b.1.isNumber else { return }
        for w in 0..<frame.words { out.valid[w] = a.0.valid[w] & b.0.valid[w] }
        if kind == .decimal {
            for i in 0..<frame.count where bit(out.valid, i) {
                let x = decimal(a.0, a.1, i), y = decimal(b.0, b.1, i)
                switch op {
                case .plus: out.decs[i] = x + y
                case .minus: out.decs[i] = x - y
                case .times: out.decs[i] = x * y
                default:
                    if y == 0 { out.valid[i >> 6] &= ~(1 << UInt64(i & 63)) } else { out.decs[i] = x / y }
                }
            }
            return
        }
        if case .quotient = kind {
            // A quotient of fixed-point numbers: nothing divided yet; a zero divisor is unknown.
            for i in 0..<frame.count {
                out.ints[i] = a.0.ints[i]
                out.dens[i] = b.0.ints[i]
                if b.0.ints[i] == 0 {
                    out.valid[i >> 6] &= ~(1 << UInt64(i & 63))
                    out.dens[i] = 1
                }
            }
            return
        }
        let valid = out.valid
        let x = op == .times ? a.0.ints : aligned(a.0, a.1, to: kind, valid: valid, frame)
        let y = op == .times ? b.0.ints : aligned(b.0, b.1, to: kind, valid: valid, frame)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                out.ints.withUnsafeMutableBufferPointer { r in
                    for i in 0..<frame.count {
                        let (v, o) = switch op {
                        case .plus: x[i].addingReportingOverflow(y[i])
                        case .minus: x[i].subtractingReportingOverflow(y[i])
                        default: x[i].multipliedReportingOverflow(by: y[i])
                        }
                        r[i] = v
                        if o, bit(valid, i) { escape(frame, i) }
                    }
                }
            }
        }
    }

    /// Comparison of two numbers at row i (-1, 0, 1), both fixed or not.
    @inline(__always)
    func compareNumbers(_ a: (Slot, SlotKind), _ b: (Slot, SlotKind), _ i: Int) -> Int {
        if case .fixed(let sa) = a.1, case .fixed(let sb) = b.1 {
            return compareFixed(a.0.ints[i], sa, b.0.ints[i], sb)
        }
        if let x = Self.rational(a, i), let y = Self.rational(b, i), let c = compareRational(x, y) { return c }
        let x = decimal(a.0, a.1, i), y = decimal(b.0, b.1, i)
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    func extreme(_ largest: Bool, _ operands: [(Slot, SlotKind)], _ kind: SlotKind, _ out: Slot, _ frame: Frame) {
        guard kind != .unknown, !operands.isEmpty else { return }
        for w in 0..<frame.words { out.valid[w] = operands.reduce(~UInt64(0)) { $0 & $1.0.valid[w] } }
        maskTail(&out.valid, count: frame.count)
        for i in 0..<frame.count where bit(out.valid, i) {
            var best = 0
            for j in 1..<operands.count {
                let c = kind == .date
                    ? (operands[j].0.ints[i] < operands[best].0.ints[i] ? -1 : (operands[j].0.ints[i] == operands[best].0.ints[i] ? 0 : 1))
                    : compareNumbers(operands[j], operands[best], i)
                if largest ? c > 0 : c < 0 { best = j }
            }
            store(operands[best].0, operands[best].1, i, into: out, kind, frame)
        }
    }

    /// A fixed-point number or quotient as numerator, denominator and a power of ten:
    /// value = n / d × 10^e.
    @inline(__always)
    static func rational(_ x: (Slot, SlotKind), _ i: Int) -> (n: Int64, d: Int64, e: Int)? {
        switch x.1 {
        case .fixed(let s): (x.0.ints[i], 1, -s)
        case .quotient(let sn, let sd): (x.0.ints[i], x.0.dens[i], sd - sn)
        default: nil
        }
    }
}

/// The sign of x − y for two rationals (n / d × 10^e), exactly; nil if Int128 overflows.
/// Equal to comparing the reference's 38-digit `Decimal` quotients: a quotient that does not
/// terminate differs from the other side by at least 1 / (d × 10^k), far above Decimal's rounding.
func compareRational(_ x: (n: Int64, d: Int64, e: Int), _ y: (n: Int64, d: Int64, e: Int)) -> Int? {
    // x − y = (nx·dy·10^ex − ny·dx·10^ey) / (dx·dy)
    var left = Int128(x.n) * Int128(y.d)
    var right = Int128(y.n) * Int128(x.d)
    let low = min(x.e, y.e)
    let ex = x.e - low, ey = y.e - low
    guard ex <= 18, ey <= 18 else { return nil }
    if ex > 0 {
        let (r, o) = left.multipliedReportingOverflow(by: Int128(powersOfTen[ex]))
        guard !o else { return nil }
        left = r
    }
    if ey > 0 {
        let (r, o) = right.multipliedReportingOverflow(by: Int128(powersOfTen[ey]))
        guard !o else { return nil }
        right = r
    }
    let sign = (x.d < 0) != (y.d < 0) ? -1 : 1
    return left < right ? -sign : (left == right ? 0 : sign)
}
