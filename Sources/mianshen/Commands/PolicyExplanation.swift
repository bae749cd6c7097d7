import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// One policy of a stored run explained for one entity: the decision, then each condition from
/// the run's bitsets with the values the profile holds now (rendered by `ExplanationText`).
struct PolicyExplanation {
    var run: LoadedRun
    var batch: PolicyBatch
    var entity: Int
    /// The same policy evaluated now with the current rules, for the inputs; nil if gone.
    var current: PolicyEvaluation?
    var kind: DatasetKind
    var schemas: SchemaSet
    var masking: MaskingOptions
    /// The manual review item of this (entity, policy), if any.
    var review: ReviewItem? = nil

    func lines() -> [String] {
        let info = run.info[batch.policyID]
        let outcome = batch.outcomes[entity]
        let amount = ResultsExport.yuan(batch.amountFen[entity])
        let reminder = info?.mode == "提醒"
        var head = "\(batch.policyID) \(info?.title ?? "")：\(outcome.label)"
        switch outcome {
        case .eligible where !reminder: head += "，金额 \(amount) 元"
        case .excluded:
            // An imported run's file has no amount on excluded rows (the results contract): none is shown.
            let imported = run.record.engine == ResultsImport.engineVersion
            head += (reminder || imported ? "" : "，按本项应得 \(amount) 元") + "；\(winnerText(info))"
        case .overBudget:
            head += "\(reminder ? "" : "，按本项应得 \(amount) 元")；年度预算 \(info?.budget ?? "") 元已按发放顺序（\(info?.grantOrder ?? "按对象编号升序")）用完，本次未发放"
        default: break
        }
        var out = [head]
        if let basis = info?.basis { out.append("  依据 \(basis)") }
        if info?.explainable == false {
            out.append("  该运行由 results import 导入，结果文件没有这项政策的条件列：无法逐条解释各条件，只有上面的结论。")
        } else {
            let results = conditions(info)
            out += results.map { ExplanationText.conditionLine($0, kind: kind, schemas: schemas, unmask: masking.unmask) }
            if outcome == .unknown {
                let missing = missingFields(results, info)
                out.append("  待人工复核：缺少数据 \(missing.isEmpty ? "（见标 ? 的条件）" : missing.joined(separator: "、"))")
            }
        }
        if let review {
            let index = run.result.policies.firstIndex { $0.policyID == batch.policyID }
            if let index, run.engineDecided(policy: index, entity: entity), review.status == .decided {
                out.append("  人工复核：事项 #\(review.id) 的决定本次未采用——数据已足以由规则判定，按规则的结论报告")
            } else {
                out.append("  " + ReviewText.explanation(review))
            }
        }
        if current == nil { out.append("  （当前规则中已没有这项政策，或档案已不在数据库中：括号中的数据无法列出）") }
        return out
    }

    /// Each stored condition's value, with what the current evaluation read for it by name.
    private func conditions(_ info: RunPolicyInfo?) -> [PolicyEvaluation.ConditionResult] {
        let now = Dictionary((current?.conditions ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [PolicyEvaluation.ConditionResult] = []
        for (position, bits) in batch.conditions.enumerated() {
            let stored = info?.conditions[safe: position]
            out.append(.decided(
                name: bits.name, label: stored?.label ?? bits.name, basis: stored?.basis, value: bits.value(at: entity),
                inputs: now[bits.name]?.inputs ?? [], premise: stored?.premise ?? false, unlisted: now[bits.name]?.unlisted ?? []
            ))
        }
        if batch.outcomes[entity] == .unknown, !batch.amountKnown[entity] {
            out.append(.decided(
                name: PolicyEvaluation.amountCondition, label: "计算金额所需的数据齐全", basis: nil, value: .unknown,
                inputs: now[PolicyEvaluation.amountCondition]?.inputs ?? [], premise: false,
                unlisted: now[PolicyEvaluation.amountCondition]?.unlisted ?? []
            ))
        }
        return out
    }

    /// The fields an undecided condition read that are empty now; the fields it reads when the
    /// profile cannot be read.
    private func missingFields(_ results: [PolicyEvaluation.ConditionResult], _ info: RunPolicyInfo?) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for (position, c) in results.enumerated() where c.value == .unknown {
            let empty = c.inputs.filter { $0.value.isEmpty || $0.value.split(separator: "、").contains("未知") }
                .map { NameTable.input($0.field, subject: kind, schemas: schemas).label }
            let fallback = c.name == PolicyEvaluation.amountCondition ? info?.amountReads ?? [] : info?.conditions[safe: position]?.reads ?? []
            for field in (c.inputs.isEmpty ? fallback : empty) where seen.insert(field).inserted { out.append(field) }
        }
        return out
    }

    /// 互斥组“G”中 ID（名称）优先.
    private func winnerText(_ info: RunPolicyInfo?) -> String {
        let group = info?.group ?? ""
        let winner = run.result.policies.first { other in
            other.policyID != batch.policyID && other.subject == batch.subject && run.info[other.policyID]?.group == group
                && (other.outcomes[entity] == .eligible || other.outcomes[entity] == .overBudget)
        }
        guard let winner else { return "互斥组“\(group)”中另一项政策优先，不重复享受" }
        let title = run.info[winner.policyID]?.title ?? ""
        return "互斥组“\(group)”中 \(winner.policyID)（\(title)）优先，不重复享受"
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
