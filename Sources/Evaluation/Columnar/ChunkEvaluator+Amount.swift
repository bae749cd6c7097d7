internal import Datasets
internal import Foundation
internal import RuleLanguage

/// A policy's amount over the chunk (formula or tiers, then the cap), before rounding: what
/// `本项金额` reads, and what eligible rows are paid once rounded to the fen.
extension ChunkEvaluator {
    func computeAmount(_ amount: CompiledAmount, _ kind: SlotKind, into out: Slot) {
        let frame = frames[0]
        let n = frame.count
        out.prepare(kind, count: n)
        clearValid(out, n)
        guard kind.isNumber else { return }
        let cap: NodeID?
        switch amount {
        case .formula(let node, let c):
            cap = c
            let value = slot(node, frame), valueKind = self.kindOf(node.index, 0)
            guard valueKind.isNumber else { return }
            for w in 0..<frame.words { out.valid[w] = value.valid[w] }
            for i in 0..<n where bit(value.valid, i) { store(value, valueKind, i, into: out, kind, frame) }
        case .tiers(let by, let tiers, let c):
            cap = c
            let x = slot(by, frame), xKind = self.kindOf(by.index, 0)
            guard xKind.isNumber else { return }
            let lowers = tiers.map { Bound($0.lower) }, uppers = tiers.map { $0.upper.flatMap(Bound.init) }
            let lowerInclusive = tiers.map(\.lowerInclusive), upperInclusive = tiers.map(\.upperInclusive)
            let values = tiers.map(\.value)
            for i in 0..<n where bit(x.valid, i) {
                var chosen: NodeID?
                for t in tiers.indices {
                    guard let lower = lowers[t]?.compare(x, xKind, i, self) else { continue }
                    guard lowerInclusive[t] ? lower >= 0 : lower > 0 else { continue }
                    if let upper = uppers[t]?.compare(x, xKind, i, self), !(upperInclusive[t] ? upper <= 0 : upper < 0) { continue }
                    chosen = values[t]
                    break
                }
                guard let chosen else {
                    if kind == .decimal { out.decs[i] = 0 } else { out.ints[i] = 0 }
                    out.valid[i >> 6] |= 1 << UInt64(i & 63)
                    continue
                }
                let value = slot(chosen, frame)
                guard bit(value.valid, i) else { continue }
                out.valid[i >> 6] |= 1 << UInt64(i & 63)
                store(value, self.kindOf(chosen.index, 0), i, into: out, kind, frame)
            }
        }
        guard let cap else { return }
        let limit = slot(cap, frame), limitKind = self.kindOf(cap.index, 0)
        for w in 0..<frame.words { out.valid[w] &= limitKind.isNumber ? limit.valid[w] : 0 }
        for i in 0..<n where bit(out.valid, i) && compareNumbers((out, kind), (limit, limitKind), i) > 0 {
            store(limit, limitKind, i, into: out, kind, frame)
        }
    }

    /// An amount in 分, rounded half up (away from zero) like `ReferenceEvaluator.roundedToFen`.
    func fen(_ slot: Slot, _ kind: SlotKind, _ i: Int) -> Int64 {
        if kind == .decimal {
            return NSDecimalNumber(decimal: ReferenceEvaluator.roundedToFen(slot.decs[i]) * 100).int64Value
        }
        let v = slot.ints[i], s = Self.scale(kind)
        if s <= 2 {
            let (r, o) = v.multipliedReportingOverflow(by: powersOfTen[2 - s])
            if o { escape(frames[0], i) }
            return r
        }
        let d = powersOfTen[s - 2]
        let (q, r) = v.quotientAndRemainder(dividingBy: d)
        return r.magnitude * 2 >= d.magnitude ? q + (v < 0 ? -1 : 1) : q
    }
}

/// A tier bound as written, compared exactly with a number.
struct Bound {
    let fixed: (units: Int64, scale: Int)?
    let decimal: Decimal

    init?(_ text: String) {
        guard let decimal = Decimal(string: text) else { return nil }
        self.decimal = decimal
        fixed = parseFixed(text)
    }

    /// The sign of x − bound.
    func compare(_ x: Slot, _ kind: SlotKind, _ i: Int, _ evaluator: ChunkEvaluator) -> Int? {
        if case .fixed(let s) = kind, let fixed {
            return compareFixed(x.ints[i], s, fixed.units, fixed.scale)
        }
        let value = evaluator.decimal(x, kind, i)
        return value < decimal ? -1 : (value == decimal ? 0 : 1)
    }
}
