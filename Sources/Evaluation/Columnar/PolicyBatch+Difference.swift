internal import Foundation

extension PolicyBatch {
    /// Nil when the engine agrees with the reference at `index`; else both sides, in Chinese.
    public func difference(from expected: PolicyEvaluation, at index: Int) -> String? {
        let batch = self
        let outcome: BatchOutcome = switch expected.outcome {
        case .eligible: .eligible
        case .ineligible: .ineligible
        case .unknown: .unknown
        }
        let expectedFen = expected.amountValue.map { NSDecimalNumber(decimal: $0 * 100).int64Value } ?? 0
        var problems: [String] = []
        if batch.outcomes[index] != outcome {
            problems.append("结果：参考 \(outcome.code)，引擎 \(batch.outcomes[index].code)")
        }
        if batch.amountFen[index] != expectedFen {
            problems.append("金额（分）：参考 \(expectedFen)，引擎 \(batch.amountFen[index])")
        }
        let amountMissing = expected.conditions.contains { $0.name == PolicyEvaluation.amountCondition }
        if batch.amountKnown[index] == amountMissing {
            problems.append("金额可算：参考 \(amountMissing ? "否" : "是")，引擎 \(batch.amountKnown[index] ? "是" : "否")")
        }
        let listed = expected.conditions.filter { $0.name != PolicyEvaluation.amountCondition }
        if listed.count != batch.conditions.count {
            problems.append("条件数：参考 \(listed.count)，引擎 \(batch.conditions.count)")
        } else {
            for (condition, bits) in zip(listed, batch.conditions) where bits.value(at: index) != condition.value {
                let inputs = condition.inputs.map { "\($0.field)=\($0.value.isEmpty ? "（空）" : $0.value)" }.joined(separator: "，")
                problems.append("条件 \(condition.name)：参考 \(condition.value.rawValue)，引擎 \(bits.value(at: index).rawValue)（读取 \(inputs)）")
            }
        }
        guard !problems.isEmpty else { return nil }
        let all = expected.conditions.map { "\($0.name)=\($0.value.rawValue)" }.joined(separator: " ")
        let engine = batch.conditions.map { "\($0.name)=\($0.value(at: index).rawValue)" }.joined(separator: " ")
        return problems.joined(separator: "；") + "\n    参考条件：\(all)\n    引擎条件：\(engine)"
    }
}
