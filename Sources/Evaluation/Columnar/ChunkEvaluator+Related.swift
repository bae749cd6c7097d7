internal import Datasets
internal import Foundation
internal import RuleLanguage

/// Aggregates over household members or licences (each entity's segment of a related frame),
/// and 持有有效证照.
extension ChunkEvaluator {
    func aggregate(_ aggregate: Aggregate, _ collection: DatasetKind, _ operand: NodeID?, _ kind: SlotKind, _ out: Slot, _ n: Int) {
        let f = collection == .licences ? EnginePlan.licences : EnginePlan.members
        // Over a collection never imported nothing is known: `out` stays unknown.
        guard let csr = plan.relatedRows(f) else { return }
        guard let operand else {
            guard aggregate == .count else { return }
            fillValid(out, n)
            for e in 0..<n { out.ints[e] = Int64(csr.range(of: start + e).count) }
            return
        }
        let frame = frames[f]
        let x = frame.slot(operand.index)
        let inner = self.kindOf(operand.index, f)
        for e in 0..<n {
            let rows = Int(frame.segments[e])..<Int(frame.segments[e + 1])
            let allKnown = rows.allSatisfy { bit(x.valid, $0) }
            switch aggregate {
            case .count:
                guard inner == .bool, allKnown else { continue }
                out.ints[e] = Int64(rows.count { bit(x.truth, $0) })
            case .sum:
                if rows.isEmpty {
                    if kind == .decimal { out.decs[e] = 0 } else { out.ints[e] = 0 }
                } else {
                    guard inner.isNumber, allKnown else { continue }
                    sum(x, inner, rows, into: out, e)
                }
            case .max, .min:
                guard !rows.isEmpty, allKnown, kind != .unknown, var best = rows.first else { continue }
                for row in rows.dropFirst() {
                    let c = inner == .date || inner == .fixed(Self.scale(inner))
                        ? (x.ints[row] < x.ints[best] ? -1 : (x.ints[row] == x.ints[best] ? 0 : 1))
                        : (decimal(x, inner, row) < decimal(x, inner, best) ? -1 : (decimal(x, inner, row) == decimal(x, inner, best) ? 0 : 1))
                    if aggregate == .max ? c > 0 : c < 0 { best = row }
                }
                store(x, inner, e, into: out, kind, frames[0], from: best)
            case .any, .all:
                let isBool = inner == .bool
                let anyTrue = isBool && rows.contains { bit(x.truth, $0) }
                let anyFalse = isBool && rows.contains { bit(x.valid, $0) && !bit(x.truth, $0) }
                let decided = isBool && allKnown
                let value: Bool? = aggregate == .any
                    ? (anyTrue ? true : (decided ? false : (rows.isEmpty ? false : nil)))
                    : (anyFalse ? false : (decided ? true : (rows.isEmpty ? true : nil)))
                guard let value else { continue }
                out.valid[e >> 6] |= 1 << UInt64(e & 63)
                if value { out.truth[e >> 6] |= 1 << UInt64(e & 63) }
                continue
            }
            out.valid[e >> 6] |= 1 << UInt64(e & 63)
        }
    }

    private func sum(_ x: Slot, _ inner: SlotKind, _ rows: Range<Int>, into out: Slot, _ e: Int) {
        if inner != .fixed(Self.scale(inner)) {
            var total = Decimal(0)
            for row in rows { total += decimal(x, inner, row) }
            out.decs[e] = total
            return
        }
        var total: Int64 = 0
        for row in rows {
            let (t, o) = total.addingReportingOverflow(x.ints[row])
            total = t
            if o { escape(frames[0], e) }
        }
        out.ints[e] = total
    }

    /// 持有有效证照: 是 when a licence of the type is certainly valid on the evaluation date, 未知
    /// when one might be, else 否 (`ReferenceEvaluator.holdsValidLicence`).
    func validLicence(_ type: String, _ out: Slot, _ n: Int) {
        guard let licences = plan.relatedRows(EnginePlan.licences) else { return }  // never imported: unknown
        let table = plan.related[EnginePlan.licences]
        let code = plan.dictionary.existingCode(type) ?? -1
        let asOf = Int64(plan.asOf.daysSinceEpoch)
        let types = table.columns["license_type"], issued = table.columns["issue_date"], expires = table.columns["expiry_date"]
        for e in 0..<n {
            var undecided = false
            var holds = false
            for index in licences.range(of: start + e) {
                let row = Int(licences.rows[index])
                let a = types.flatMap { $0.isValid(row) && $0.type != .date ? $0.values[row] == code : nil }
                let b = issued.flatMap { $0.isValid(row) && $0.type == .date ? $0.values[row] <= asOf : nil }
                let c = expires.flatMap { $0.isValid(row) && $0.type == .date ? asOf <= $0.values[row] : nil }
                if a == false || b == false || c == false { continue }
                if a == nil || b == nil || c == nil {
                    undecided = true
                } else {
                    holds = true
                    break
                }
            }
            guard holds || !undecided else { continue }
            out.valid[e >> 6] |= 1 << UInt64(e & 63)
            if holds { out.truth[e >> 6] |= 1 << UInt64(e & 63) }
        }
    }
}
