internal import Datasets
internal import Foundation
internal import RuleLanguage

/// Kleene logic word by word (Arrow's and_kleene/or_kleene), comparisons, 属于, choices and
/// lookups.
extension ChunkEvaluator {
    func binary(_ op: BinaryOperator, _ a: (Slot, SlotKind), _ b: (Slot, SlotKind), _ kind: SlotKind, _ out: Slot, _ frame: Frame) {
        switch op {
        case .and, .or:
            let (ka, ta) = kleene(a)
            let (kb, tb) = kleene(b)
            for w in 0..<frame.words {
                let (k, t) = op == .and ? Kleene.and(ka[w], ta[w], kb[w], tb[w]) : Kleene.or(ka[w], ta[w], kb[w], tb[w])
                out.valid[w] = k
                out.truth[w] = t
            }
        case .plus, .minus, .times, .divide:
            arithmetic(op, a, b, kind, out, frame)
        default:
            compare(op, a, b, out, frame)
        }
    }

    /// A boolean operand's (known, truth) words; any other kind is unknown everywhere.
    private func kleene(_ operand: (Slot, SlotKind)) -> ([UInt64], [UInt64]) {
        if operand.1 == .bool { return (operand.0.valid, operand.0.truth) }
        let zero = [UInt64](repeating: 0, count: frames[0].words + frames[1].words + frames[2].words + 1)
        return (zero, zero)
    }

    private func compare(_ op: BinaryOperator, _ a: (Slot, SlotKind), _ b: (Slot, SlotKind), _ out: Slot, _ frame: Frame) {
        let equality = op == .equal || op == .notEqual
        switch (a.1, b.1) {
        case (.bool, .bool) where equality:
            for w in 0..<frame.words {
                let known = a.0.valid[w] & b.0.valid[w]
                let differ = a.0.truth[w] ^ b.0.truth[w]
                out.valid[w] = known
                out.truth[w] = known & (op == .equal ? ~differ : differ)
            }
            return
        // Dates are ordered (出生日期 < 1960-01-01), as in the reference; codes only compare equal.
        // (Dates were equality-only here: every date ordering was unknown, unlike the reference.)
        case (.date, .date):
            break
        case (.code, .code) where equality:
            break
        case let (x, y) where x.isNumber && y.isNumber:
            break
        default:
            return
        }
        for w in 0..<frame.words { out.valid[w] = a.0.valid[w] & b.0.valid[w] }
        let integers = a.1 == b.1 && (a.1 == .date || a.1 == .code || a.1 == .fixed(ChunkEvaluator.scale(a.1)))
        if integers {
            compareIntegers(op, a.0.ints, b.0.ints, out, frame.count)
            return
        }
        for i in 0..<frame.count where bit(out.valid, i) {
            let c = integers ? (a.0.ints[i] < b.0.ints[i] ? -1 : (a.0.ints[i] == b.0.ints[i] ? 0 : 1)) : compareNumbers(a, b, i)
            let holds = switch op {
            case .equal: c == 0
            case .notEqual: c != 0
            case .greater: c > 0
            case .greaterEqual: c >= 0
            case .less: c < 0
            default: c <= 0
            }
            if holds { out.truth[i >> 6] |= 1 << UInt64(i & 63) }
        }
    }

    /// The common case: both sides integers of one scale (or days, or codes).
    private func compareIntegers(_ op: BinaryOperator, _ a: [Int64], _ b: [Int64], _ out: Slot, _ n: Int) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.valid.withUnsafeBufferPointer { valid in
                    out.truth.withUnsafeMutableBufferPointer { truth in
                        for w in 0..<((n + 63) >> 6) {
                            var word: UInt64 = 0
                            for r in 0..<min(64, n - w * 64) {
                                let i = w * 64 + r
                                let holds = switch op {
                                case .equal: a[i] == b[i]
                                case .notEqual: a[i] != b[i]
                                case .greater: a[i] > b[i]
                                case .greaterEqual: a[i] >= b[i]
                                case .less: a[i] < b[i]
                                default: a[i] <= b[i]
                                }
                                if holds { word |= 1 << UInt64(r) }
                            }
                            truth[w] = word & valid[w]
                        }
                    }
                }
            }
        }
    }

    func memberOf(_ node: Int, _ items: [SetItem], _ a: Slot, _ kind: SlotKind, _ out: Slot, _ n: Int) {
        if kind == .code, let table = plan.memberTables[node] {
            for w in 0..<((n + 63) >> 6) { out.valid[w] = a.valid[w] }
            table.withUnsafeBufferPointer { table in
                for i in 0..<n where bit(a.valid, i) && table[Int(a.ints[i])] {
                    out.truth[i >> 6] |= 1 << UInt64(i & 63)
                }
            }
            return
        }
        guard kind.isNumber else { return }
        let listed: [(Int64, Int)] = items.compactMap { item in
            if case .text(let t) = item { return parseFixed(t) }
            return nil
        }
        for w in 0..<((n + 63) >> 6) { out.valid[w] = a.valid[w] }
        for i in 0..<n where bit(a.valid, i) {
            let hit = kind == .fixed(Self.scale(kind))
                ? listed.contains { compareFixed(a.ints[i], Self.scale(kind), $0.0, $0.1) == 0 }
                : listed.contains { decimalValue($0.0, scale: $0.1) == decimal(a, kind, i) }
            if hit { out.truth[i >> 6] |= 1 << UInt64(i & 63) }
        }
    }

    func choose(_ c: NodeID, _ a: NodeID, _ b: NodeID, _ kind: SlotKind, _ out: Slot, _ frame: Frame, _ f: Int) {
        let condition = slot(c, frame)
        guard self.kindOf(c.index, f) == .bool, kind != .unknown else { return }
        let x = slot(a, frame), y = slot(b, frame)
        let kx = self.kindOf(a.index, f), ky = self.kindOf(b.index, f)
        for w in 0..<frame.words {
            let t = condition.truth[w]
            out.valid[w] = condition.valid[w] & ((t & x.valid[w]) | (~t & y.valid[w]))
        }
        for i in 0..<frame.count where bit(out.valid, i) {
            if bit(condition.truth, i) {
                store(x, kx, i, into: out, kind, frame)
            } else {
                store(y, ky, i, into: out, kind, frame)
            }
        }
    }

    func present(_ a: NodeID, _ filled: Bool, _ out: Slot, _ frame: Frame, _ f: Int) {
        fillValid(out, frame.count)
        let x = slot(a, frame)
        if case .list(let tag) = kindOf(a.index, f), case .relatedField(_, let name, _) = plan.program.nodes[a.index].operation {
            // A related field outside an aggregate is filled when every record has it (and
            // there is at least one). Of a collection never imported nobody knows: unknown.
            guard let csr = plan.relatedRows(tag == .licences ? EnginePlan.licences : EnginePlan.members) else {
                for w in 0..<frame.words { out.valid[w] = 0 }
                return
            }
            let column = plan.related[tag == .licences ? EnginePlan.licences : EnginePlan.members].columns[name]
            for i in 0..<frame.count {
                let records = csr.range(of: start + i)
                let all = !records.isEmpty && records.allSatisfy { column?.isValid(Int(csr.rows[$0])) ?? false }
                if all == filled { out.truth[i >> 6] |= 1 << UInt64(i & 63) }
            }
            return
        }
        for w in 0..<frame.words { out.truth[w] = filled ? x.valid[w] : ~x.valid[w] }
    }

    func lookup(_ node: Int, _ key: Slot, _ kind: SlotKind, _ out: Slot, _ frame: Frame, _ f: Int) {
        guard let table = plan.lookupTables[node], kind != .unknown,
              self.kindOf(keyNode(node), f) == .code else { return }
        for i in 0..<frame.count where bit(key.valid, i) {
            let chosen = Int(table[Int(key.ints[i])])
            guard chosen >= 0 else { continue }
            let value = frame.slot(chosen)
            guard bit(value.valid, i) else { continue }
            out.valid[i >> 6] |= 1 << UInt64(i & 63)
            store(value, self.kindOf(chosen, f), i, into: out, kind, frame)
        }
    }

    private func keyNode(_ node: Int) -> Int {
        if case .lookup(let key, _, _, _) = plan.program.nodes[node].operation { return key.index }
        return node
    }
}

/// Three-valued logic on 64 rows at a time: (known, truth) with truth ⊆ known.
enum Kleene {
    /// 且: false where either is known false; true where both are true; else unknown.
    @inline(__always)
    static func and(_ ka: UInt64, _ ta: UInt64, _ kb: UInt64, _ tb: UInt64) -> (known: UInt64, truth: UInt64) {
        let falsehood = (ka & ~ta) | (kb & ~tb)
        let truth = ta & tb
        return (falsehood | truth, truth)
    }

    /// 或: true where either is known true; false where both are false; else unknown.
    @inline(__always)
    static func or(_ ka: UInt64, _ ta: UInt64, _ kb: UInt64, _ tb: UInt64) -> (known: UInt64, truth: UInt64) {
        let truth = ta | tb
        return (truth | (ka & kb), truth)
    }
}
