internal import Datasets
internal import Foundation
internal import RuleLanguage

/// Turns a computed chunk into each policy's results: condition bitsets copied word by word,
/// outcomes from them (any 否 → ineligible; else any 未知 → unknown; else eligible, or unknown
/// when the amount needs a missing value), amounts rounded to the fen for eligible rows.
struct ChunkWriter {
    let evaluator: ChunkEvaluator
    let policies: [CompiledPolicy]
    let supported: [Bool]
    let outputs: BatchOutputs
    let amountSlots: [Slot]
    let amountKinds: [SlotKind?]

    init(evaluator: ChunkEvaluator, policies: [CompiledPolicy], supported: [Bool], outputs: BatchOutputs) {
        self.evaluator = evaluator
        self.policies = policies
        self.supported = supported
        self.outputs = outputs
        amountSlots = policies.map { _ in Slot() }
        amountKinds = policies.map { policy in policy.amount.map { evaluator.plan.amountKind($0) } }
    }

    func write(start: Int) {
        let frame = evaluator.frames[0]
        let firstWord = start >> 6
        for (node, known) in outputs.known {
            guard let truth = outputs.truth[node] else { continue }
            let slot = frame.slot(node)
            for w in 0..<frame.words {
                known[firstWord + w] = slot.valid[w]
                truth[firstWord + w] = slot.truth[w]
            }
        }
        for (index, policy) in policies.enumerated() where supported[index] {
            write(index, policy, start: start, frame)
        }
    }

    private func write(_ index: Int, _ policy: CompiledPolicy, start: Int, _ frame: Frame) {
        let inForce = policy.validity.map { $0.from <= evaluator.plan.asOf && evaluator.plan.asOf <= $0.to } ?? true
        let amountSlot = amountSlots[index]
        let amountKind = amountKinds[index] ?? .unknown
        if let amount = policy.amount { evaluator.computeAmount(amount, amountKind, into: amountSlot) }
        let conditions = policy.conditions.map { frame.slot($0.node.index) }
        let outcomes = outputs.outcomes[index] + start
        let fen = outputs.amountFen[index] + start
        for w in 0..<frame.words {
            let rows = min(64, frame.count - w * 64)
            let mask: UInt64 = rows == 64 ? ~0 : (1 << UInt64(rows)) - 1
            var no: UInt64 = inForce ? 0 : ~0
            var unknown: UInt64 = 0
            for slot in conditions {
                no |= slot.valid[w] & ~slot.truth[w]
                unknown |= ~slot.valid[w]
            }
            no &= mask
            unknown &= mask & ~no
            let eligible = mask & ~no & ~unknown
            let missing = policy.amount == nil ? 0 : eligible & ~amountSlot.valid[w]
            outputs.amountKnown[index][(start >> 6) + w] = mask & ~missing
            for r in 0..<rows {
                let i = w * 64 + r
                let b = UInt64(1) << UInt64(r)
                if eligible & b != 0 && missing & b == 0 {
                    outcomes[i] = BatchOutcome.eligible.rawValue
                    fen[i] = policy.amount == nil ? 0 : evaluator.fen(amountSlot, amountKind, i)
                } else {
                    outcomes[i] = no & b != 0 ? BatchOutcome.ineligible.rawValue : BatchOutcome.unknown.rawValue
                    fen[i] = 0
                }
            }
        }
    }
}

/// Decides with the reference evaluator what the kernels cannot: every policy for the rows that
/// escaped (a fixed-point overflow), and the unsupported policies for every row.
struct ReferenceFallback {
    let reference: ReferenceEvaluator
    let facts: FactsFromColumns
    let policies: [CompiledPolicy]
    let supported: [Bool]
    let outputs: BatchOutputs
    let asOf: Day

    func decide(start: Int, count: Int, escaped: [UInt64]) {
        let everyRow = supported.contains(false)
        guard everyRow || escaped.contains(where: { $0 != 0 }) else { return }
        for i in 0..<count {
            let escapes = bit(escaped, i)
            guard escapes || everyRow else { continue }
            let entity = facts.facts(start + i)
            for (index, policy) in policies.enumerated() where escapes || !supported[index] {
                record(reference.evaluate(policy, for: entity, asOf: asOf, explaining: false), index, policy, at: start + i)
            }
        }
    }

    private func record(_ result: PolicyEvaluation, _ index: Int, _ policy: CompiledPolicy, at row: Int) {
        let outcome: BatchOutcome = switch result.outcome {
        case .eligible: .eligible
        case .ineligible: .ineligible
        case .unknown: .unknown
        }
        outputs.outcomes[index][row] = outcome.rawValue
        outputs.amountFen[index][row] = result.amountValue.map { NSDecimalNumber(decimal: $0 * 100).int64Value } ?? 0
        outputs.setBit(outputs.amountKnown[index], row, !result.conditions.contains { $0.name == PolicyEvaluation.amountCondition })
        let offset = policy.validity == nil ? 0 : 1
        for (j, condition) in policy.conditions.enumerated() {
            guard let known = outputs.known[condition.node.index], let truth = outputs.truth[condition.node.index] else { continue }
            let value = result.conditions[offset + j].value
            outputs.setBit(known, row, value != .unknown)
            outputs.setBit(truth, row, value == .yes)
        }
    }
}
