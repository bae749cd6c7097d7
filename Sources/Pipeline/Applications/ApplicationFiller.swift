internal import Datasets
internal import Foundation
internal import Evaluation
internal import Outputs

/// Fills one policy's form for its eligible entities: the fields the form declares (and only
/// those), masked where the form says so; the amount and how it is computed; the conditions
/// met; the licences the form calls up, judged on the run's as-of date.
struct ApplicationFiller {
    let run: LoadedRun
    let info: RunPolicyInfo
    let form: FormDefinition
    let schemas: SchemaSet
    let period: BenefitPeriod

    init(run: LoadedRun, info: RunPolicyInfo, form: FormDefinition, schemas: SchemaSet) {
        self.run = run
        self.info = info
        self.form = form
        self.schemas = schemas
        period = BenefitPeriod(cycle: info.period, asOf: run.result.asOf)
    }

    private var subjectSchema: Schema { info.subject == "企业" ? schemas.enterprises : schemas.residents }

    /// `number`: the application number, worked out once by the caller (`ApplicationNumber.make`).
    func application(number: String, entityID: String, amountFen: Int64, records: ApplicationRecords) -> Application {
        let subject = records.subject
        let fields = form.fields.map { field in
            fill(field, from: field.source == .payee ? records.payee : subject)
        }
        return Application(
            number: number,
            form: form,
            policy: .init(id: form.policyID, title: info.title, department: info.department, basis: info.basis),
            period: period.label, asOf: run.result.asOf,
            applicant: party(kind: info.subject, id: entityID, record: subject, household: info.subject == "家庭"),
            payee: party(kind: info.subject == "企业" ? "企业" : "居民", id: nil, record: records.payee, household: false),
            fields: fields,
            amount: ResultsExport.yuan(amountFen),
            calculation: calculation(amountFen, subject),
            conditions: conditions(subject),
            materials: form.materials.map { material($0, records.licences) }
        )
    }

    /// A field's value in the XSD's lexical form (masked if the form says so), and how a person
    /// reads it when that differs; nil when the profile has no value.
    private func fill(_ field: FormField, from record: [String: FieldValue]?) -> Application.FilledField {
        let schema = field.source == .payee && info.subject != "企业" ? schemas.residents : subjectSchema
        guard let spec = schema.fields.first(where: { $0.name == field.field }), let value = record?[field.field], !value.isNull else {
            return .init(field: field, value: nil)
        }
        var text = value.display(for: spec)
        if field.masked { text = Masking.mask(text, as: spec.masking) }
        var shown: String?
        if spec.type == .division {
            shown = schemas.divisions.label(of: text)
        } else if case .value(let stated, let label, _) = spec.empty, stated == value {
            shown = "\(text)（\(label)）"
        }
        return .init(field: field, value: text, shown: shown)
    }

    /// The applicant or payee: 统一社会信用代码 and 户号 in full, 身份证号 and names masked.
    private func party(kind: String, id: String?, record: [String: FieldValue]?, household: Bool) -> Application.Party {
        let schema = kind == "企业" ? schemas.enterprises : schemas.residents
        let key = id ?? text(record?[schema.key.name]) ?? "未知"
        let name = text(record?["name"])
        switch kind {
        case "企业": return .init(kind: kind, id: key, name: name)
        case "家庭": return .init(kind: kind, id: key, name: name.map { "户主 " + Masking.maskName($0) })
        default: return .init(kind: kind, id: Masking.maskID(key), name: name.map(Masking.maskName))
        }
    }

    private func text(_ value: FieldValue?) -> String? {
        guard let value, case .text(let text) = value, !text.isEmpty else { return nil }
        return text
    }

    /// Every condition (all met: the entity is eligible), rendered by the explanation renderer with
    /// the values of the subject's own fields it read (related records' values are not listed).
    private func conditions(_ record: [String: FieldValue]?) -> [Application.Condition] {
        let kind: DatasetKind = info.subject == "企业" ? .enterprises : .residents
        return info.conditions.map { c in
            let inputs = c.reads.compactMap { label -> (field: String, value: String)? in
                guard let spec = subjectSchema.fields.first(where: { $0.label == label }) else { return nil }
                return (spec.name, record?[spec.name].map { $0.display(for: spec) } ?? "")
            }
            let result = PolicyEvaluation.ConditionResult.decided(
                name: c.name, label: c.label, basis: c.basis, value: .yes, inputs: inputs, premise: c.premise
            )
            let line = ExplanationText.conditionLine(result, kind: kind, schemas: schemas, unmask: false)
            // The validity window's basis is the policy's own, shown above it (the renderer omits it too).
            let basis = c.name == PolicyEvaluation.validityCondition ? nil : c.basis
            return Application.Condition(label: c.label, basis: basis, line: line.trimmingCharacters(in: .whitespaces))
        }
    }

    /// 计算方法 (the policy's amount formula), the values it read from the profile, the result.
    private func calculation(_ amountFen: Int64, _ record: [String: FieldValue]?) -> [String] {
        var lines: [String] = []
        if let formula = info.amountFormula { lines.append("计算方法：\(formula)") }
        let values = info.amountReads.compactMap { label -> String? in
            guard !label.contains("."), let spec = subjectSchema.fields.first(where: { $0.label == label }),
                  let value = record?[spec.name], !value.isNull else { return nil }
            return "\(label)=\(value.describe(for: spec))"
        }
        let asOf = run.result.asOf.description
        let parameters = (info.amountParameters ?? []).compactMap { parameter -> String? in
            guard let current = parameter.values.last(where: { $0.from <= asOf }) else { return nil }
            return "\(parameter.name)=\(current.value)\(parameter.unit.map { " \($0)" } ?? "")（自 \(current.from) 起）"
        }
        if !(values + parameters).isEmpty { lines.append("所用数据：" + (values + parameters).joined(separator: "，")) }
        lines.append("应发金额：\(ResultsExport.yuan(amountFen)) 元")
        return lines
    }

    /// The licence of this type that lasts longest, judged on the run's as-of date; missing if none.
    private func material(_ type: String, _ licences: [[String: FieldValue]]) -> Material {
        let held = licences.filter { text($0["license_type"]) == type }
        let best = held.max { expiry($0) < expiry($1) }
        guard let best, let number = text(best["license_no"]) else { return .missing(type: type) }
        return .held(type: type, number: number, issued: day(best["issue_date"]), expires: day(best["expiry_date"]), asOf: run.result.asOf)
    }

    private func day(_ value: FieldValue?) -> Day? {
        guard let value, case .date(let day) = value else { return nil }
        return day
    }

    private func expiry(_ licence: [String: FieldValue]) -> Int32 {
        day(licence["expiry_date"])?.daysSinceEpoch ?? Int32.max
    }
}
