import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// The one renderer of a condition in an explanation (`rules try --entity`, `explain`): its
/// mark (✓ ✗ ?), 前提, label, the values it read and its basis.
enum ExplanationText {
    /// `✓ 年满 80 周岁（出生日期=1946-11-27）　依据 …`, 前提 marked.
    static func conditionLine(
        _ c: PolicyEvaluation.ConditionResult, kind: DatasetKind, schemas: SchemaSet, masking: MaskingOptions
    ) -> String {
        let mark = switch c.value {
        case .yes: "✓"
        case .no: "✗"
        case .unknown: "?"
        }
        let inputs = c.inputs.map { input -> String in
            let field = NameTable.input(input.field, subject: kind, schemas: schemas)
            // Related records' values are joined by “、”: each is masked on its own.
            let related = input.field.contains(".")
            let parts = related ? input.value.components(separatedBy: "、") : [input.value]
            let value = input.value.isEmpty ? "未知" : parts.map { part in
                related && (part == "未知" || part == "无") ? part
                    : field.spec?.type == .division ? schemas.divisions.label(of: part)
                    : masking.show(part, as: field.spec?.masking)
            }.joined(separator: "、")
            return "\(field.label)=\(value)"
        }
        let detail = inputs.isEmpty ? "" : "（\(inputs.joined(separator: "，"))）"
        // The validity line's basis is the policy's own, printed above; it is a premise of every
        // policy, marked only where the policy wrote its own 前提.
        let validity = c.name == PolicyEvaluation.validityCondition
        let basis = validity ? nil : c.basis
        let premise = c.premise && !validity ? "前提：" : ""
        return "  \(mark) \(premise)\(c.label)\(detail)\(basis.map { "　依据 \($0)" } ?? "")"
    }

}
