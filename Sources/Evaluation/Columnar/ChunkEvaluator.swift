internal import Datasets
internal import Foundation
internal import RuleLanguage

/// Computes every planned node for one chunk of a subject's population (and for the related
/// records of its entities), vector by vector. One per worker; its buffers are reused from chunk
/// to chunk, so nothing is allocated per row.
final class ChunkEvaluator {
    let plan: EnginePlan
    let frames: [Frame]
    /// The chunk: entities `start ..< start + frames[0].count`.
    var start = 0
    let asOfParts: (year: Int, month: Int, day: Int)
    let usesFrame: [Bool]

    init(plan: EnginePlan) {
        self.plan = plan
        frames = (0..<3).map { _ in Frame(nodeCount: plan.program.nodes.count) }
        asOfParts = plan.asOf.components
        var uses = [false, false, false]
        for (_, frame) in plan.order { uses[frame] = true }
        usesFrame = uses
    }

    func run(start: Int, count: Int) {
        self.start = start
        frames[0].reset(count: count)
        for frame in 1..<3 where usesFrame[frame] {
            setRelated(frames[frame], plan.relatedRows(frame), count: count)
        }
        for (node, frame) in plan.order { evaluate(node, frames[frame], frame) }
        // An overflow among an entity's records sends the entity to the reference evaluator.
        for frame in 1..<3 where usesFrame[frame] {
            let related = frames[frame]
            for row in 0..<related.count where bit(related.escape, row) {
                let parent = Int(related.parents[row])
                frames[0].escape[parent >> 6] |= 1 << UInt64(parent & 63)
            }
        }
    }

    /// A missing collection (nil) has no records to compute on; its aggregates stay unknown.
    private func setRelated(_ frame: Frame, _ csr: RelatedRows?, count: Int) {
        frame.tableRows.removeAll(keepingCapacity: true)
        frame.parents.removeAll(keepingCapacity: true)
        frame.segments.removeAll(keepingCapacity: true)
        frame.segments.append(0)
        guard let csr else {
            frame.segments.append(contentsOf: repeatElement(0, count: count))
            frame.reset(count: 0)
            return
        }
        for entity in 0..<count {
            for row in csr.range(of: start + entity) {
                frame.tableRows.append(csr.rows[row])
                frame.parents.append(Int32(entity))
            }
            frame.segments.append(Int32(frame.tableRows.count))
        }
        frame.reset(count: frame.tableRows.count)
    }

    func kindOf(_ node: Int, _ frame: Int) -> SlotKind { plan.kinds[frame][node] ?? .unknown }

    private func evaluate(_ node: Int, _ frame: Frame, _ f: Int) {
        let out = frame.slot(node)
        let kind = kindOf(node, f)
        out.prepare(kind, count: frame.count)
        let n = frame.count
        if plan.isBroadcast(node, f) {
            broadcast(frames[0].slot(node), kind, into: out, frame)
            return
        }
        clearValid(out, n)
        switch plan.program.nodes[node].operation {
        case .field(let name, _):
            guard let column = plan.columns.fields.columns[name] else { return }
            loadContiguous(column, kind, into: out, n)
        case .relatedField(_, let name, _):
            guard f != EnginePlan.entity, let column = plan.related[f].columns[name] else { return }
            gather(column, kind, frame.tableRows, into: out, n)
        case .number, .parameter, .text:
            if let (units, _) = plan.constants[node] {
                fillInts(out, units, n)
            } else if let value = plan.decimalConstants[node] {
                for i in 0..<n { out.decs[i] = value }
                fillValid(out, n)
            }
        case .date(let day): fillInts(out, Int64(day.daysSinceEpoch), n)
        case .asOf: fillInts(out, Int64(plan.asOf.daysSinceEpoch), n)
        case .bool(let value):
            fillValid(out, n)
            for w in 0..<frame.words { out.truth[w] = value ? out.valid[w] : 0 }
        case .age(let a): age(slot(a, frame), kindOf(a.index, f), out, n)
        case .days(let a, let b): days(slot(a, frame), slot(b, frame), kindOf(a.index, f), out, n)
        case .aggregate(let aggregate, let collection, let operand):
            self.aggregate(aggregate, collection, operand, kind, out, n)
        case .negate(let a): negate(slot(a, frame), kindOf(a.index, f), kind, out, frame)
        case .not(let a):
            guard kindOf(a.index, f) == .bool else { return }
            let x = slot(a, frame)
            for w in 0..<frame.words {
                out.valid[w] = x.valid[w]
                out.truth[w] = x.valid[w] & ~x.truth[w]
            }
        case .binary(let op, let a, let b):
            binary(op, (slot(a, frame), kindOf(a.index, f)), (slot(b, frame), kindOf(b.index, f)), kind, out, frame)
        case .memberOf(let a, let items): memberOf(node, items, slot(a, frame), kindOf(a.index, f), out, n)
        case .choose(let c, let a, let b):
            choose(c, a, b, kind, out, frame, f)
        case .convert(let a, let conversion): convert(conversion, slot(a, frame), kindOf(a.index, f), kind, out, frame)
        case .present(let a, let filled): present(a, filled, out, frame, f)
        case .extreme(let largest, let operands):
            extreme(largest, operands.map { (slot($0, frame), kindOf($0.index, f)) }, kind, out, frame)
        case .validLicence(let type): validLicence(type, out, n)
        case .ownAmount(let id):
            if let amount = plan.program.policy(id)?.amount, kind != .unknown { computeAmount(amount, kind, into: out) }
        case .lookup(let key, _, _, _): lookup(node, slot(key, frame), kind, out, frame, f)
        }
        maskTail(&out.valid, count: n)
        if kind == .bool {
            for w in 0..<frame.words { out.truth[w] &= out.valid[w] }
        }
    }

    func slot(_ id: NodeID, _ frame: Frame) -> Slot { frame.slot(id.index) }

    // MARK: Loading and constants

    func clearValid(_ out: Slot, _ n: Int) {
        for w in 0..<((n + 63) >> 6) { out.valid[w] = 0 }
        if !out.truth.isEmpty { for w in 0..<((n + 63) >> 6) { out.truth[w] = 0 } }
    }

    func fillValid(_ out: Slot, _ n: Int) {
        for w in 0..<((n + 63) >> 6) { out.valid[w] = ~0 }
        maskTail(&out.valid, count: n)
    }

    private func fillInts(_ out: Slot, _ value: Int64, _ n: Int) {
        out.ints.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { p[i] = value }
        }
        fillValid(out, n)
    }

    /// The chunk's rows of an entity column (chunks start at a multiple of 64: whole words).
    private func loadContiguous(_ column: LoadedColumn, _ kind: SlotKind, into out: Slot, _ n: Int) {
        let firstWord = start >> 6
        for w in 0..<((n + 63) >> 6) { out.valid[w] = column.validity[firstWord + w] }
        maskTail(&out.valid, count: n)
        if kind == .bool {
            column.values.withUnsafeBufferPointer { values in
                out.truth.withUnsafeMutableBufferPointer { truth in
                    for i in 0..<n where values[start + i] != 0 { setBit(truth, i) }
                }
            }
            return
        }
        column.values.withUnsafeBufferPointer { source in
            out.ints.withUnsafeMutableBufferPointer { target in
                for i in 0..<n { target[i] = source[start + i] }
            }
        }
    }

    private func gather(_ column: LoadedColumn, _ kind: SlotKind, _ rows: [Int32], into out: Slot, _ n: Int) {
        let isBool = kind == .bool
        column.values.withUnsafeBufferPointer { values in
            column.validity.withUnsafeBufferPointer { validity in
                rows.withUnsafeBufferPointer { rows in
                    out.valid.withUnsafeMutableBufferPointer { valid in
                        out.truth.withUnsafeMutableBufferPointer { truth in
                            out.ints.withUnsafeMutableBufferPointer { ints in
                                for i in 0..<n {
                                    let row = Int(rows[i])
                                    guard bit(validity, row) else { continue }
                                    setBit(valid, i)
                                    if isBool {
                                        if values[row] != 0 { setBit(truth, i) }
                                    } else {
                                        ints[i] = values[row]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// An entity's value on each of its related records.
    private func broadcast(_ source: Slot, _ kind: SlotKind, into out: Slot, _ frame: Frame) {
        clearValid(out, frame.count)
        if kind == .decimal {
            for i in 0..<frame.count where bit(source.valid, Int(frame.parents[i])) {
                setValid(out, i)
                out.decs[i] = source.decs[Int(frame.parents[i])]
            }
            return
        }
        let isBool = kind == .bool, isQuotient = kind == .quotient(num: Self.scale(kind), den: denominatorScale(kind))
        frame.parents.withUnsafeBufferPointer { parents in
            source.valid.withUnsafeBufferPointer { sourceValid in
                source.truth.withUnsafeBufferPointer { sourceTruth in
                    source.ints.withUnsafeBufferPointer { sourceInts in
                        out.valid.withUnsafeMutableBufferPointer { valid in
                            out.truth.withUnsafeMutableBufferPointer { truth in
                                out.ints.withUnsafeMutableBufferPointer { ints in
                                    for i in 0..<frame.count {
                                        let parent = Int(parents[i])
                                        guard bit(sourceValid, parent) else { continue }
                                        setBit(valid, i)
                                        if isBool {
                                            if bit(sourceTruth, parent) { setBit(truth, i) }
                                        } else if !ints.isEmpty {
                                            ints[i] = sourceInts[parent]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if isQuotient {
            for i in 0..<frame.count { out.dens[i] = source.dens[Int(frame.parents[i])] }
        }
    }

    private func denominatorScale(_ kind: SlotKind) -> Int {
        if case .quotient(_, let d) = kind { return d }
        return -1
    }

    @inline(__always)
    func setValid(_ out: Slot, _ i: Int) {
        out.valid[i >> 6] |= 1 << UInt64(i & 63)
    }

    @inline(__always)
    func escape(_ frame: Frame, _ i: Int) {
        frame.escape[i >> 6] |= 1 << UInt64(i & 63)
    }
}
