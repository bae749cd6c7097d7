public import Datasets
public import Evaluation
internal import Foundation
internal import RuleLanguage

/// The one renderer of a condition in an explanation (`rules try --entity`, `explain`, the
/// conditions met on an application): its mark (✓ ✗ ?), 前提, label, the values it read and its
/// basis. Personal data among the values is masked unless `unmask`.
public enum ExplanationText {
    /// `✓ 年满 80 周岁（出生日期=1946-11-27）　依据 …`, 前提 marked.
    public static func conditionLine(
        _ c: PolicyEvaluation.ConditionResult, kind: DatasetKind, schemas: SchemaSet, unmask: Bool
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
                    : statedEmpty(part, field.spec) ?? (unmask ? part : Masking.mask(part, as: field.spec?.masking))
            }.joined(separator: "、")
            return "\(field.label)=\(value)"
        }
        let detail = inputs.isEmpty ? "" : "（\(inputs.joined(separator: "，"))）"
        // The validity line's basis is the policy's own, printed above; it is a premise of every
        // policy, marked only where the policy wrote its own 前提.
        let validity = c.name == PolicyEvaluation.validityCondition
        let basis = validity ? nil : c.basis
        let premise = c.premise && !validity ? "前提：" : ""
        let why = c.value == .unknown ? whyUnknown(c, kind: kind, schemas: schemas).map { "　无法判定：\($0)" } ?? "" : ""
        return "  \(mark) \(premise)\(c.label)\(detail)\(why)\(basis.map { "　依据 \($0)" } ?? "")"
    }

    /// A value the schema gives an empty cell, shown with its meaning: 首次升规年份=0（从未升规）.
    public static func statedEmpty(_ shown: String, _ spec: FieldSpec?) -> String? {
        guard let spec, case .value(let value, let label, _) = spec.empty, value.display(for: spec) == shown else { return nil }
        return "\(shown)（\(label)）"
    }

    /// Why an unknown condition could not be decided: the values it read that are missing, and the
    /// values a lookup table has no row for (行业代码 G59 不在“小微企业”的取值表中); nil if neither.
    public static func whyUnknown(_ c: PolicyEvaluation.ConditionResult, kind: DatasetKind, schemas: SchemaSet) -> String? {
        let missing = c.inputs.filter { input in
            input.value.isEmpty || (input.field.contains(".") && input.value.components(separatedBy: "、").contains("未知"))
        }.map { NameTable.input($0.field, subject: kind, schemas: schemas).label }
        var reasons = missing.isEmpty ? [] : ["缺少" + missing.joined(separator: "、")]
        reasons += c.unlisted.map { unlisted in
            let field = unlisted.field.map { NameTable.input($0, subject: kind, schemas: schemas).label + " " } ?? ""
            let table = unlisted.table.map { "“\($0)”的" } ?? ""
            return "\(field)\(unlisted.value) 不在\(table)取值表中"
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "；")
    }

}
