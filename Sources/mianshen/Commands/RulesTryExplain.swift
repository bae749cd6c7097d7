import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `rules try --entity KEY`: one person, enterprise or household, policy by policy and condition
/// by condition, with the data each condition read (帮办代办答复“为什么没有我”).
extension RulesCommand.Try {
    func explain(key: String, entries: [CatalogEntry], program: Program, profiles: ProfileStore, day: Day) throws {
        guard let found = try RuleTrial.explain(key: key, entries: entries, program: program, store: profiles, asOf: day) else {
            printError("数据库中没有 \(masking.show(key, as: Self.personalData(key))) 的档案（身份证号、统一社会信用代码或户号）。")
            throw ExitCode(1)
        }
        for line in Self.header(found, key: key, day: day, schemas: profiles.schemas, masking: masking) { print(line) }
        // Another member stands for the household: say how to see its 家庭 policies.
        if found.household == nil, found.kind == .residents, !found.standsForHousehold,
           entries.contains(where: { $0.policy.subject == "家庭" }), case .text(let id)? = found.entity.fields["household_id"] {
            print("以家庭为对象的政策按代表本户的成员评估，不在此列；按户解释：mianshen rules try --entity \(id)")
        }
        if found.results.isEmpty {
            print(found.household == nil ? "（没有适用于该对象的政策）" : "（没有以家庭为对象的政策）")
        }
        let policies = Dictionary(uniqueKeysWithValues: entries.map { ($0.policy.id, $0.policy) })
        for (result, granted) in found.results {
            var amount = result.amount.map { "，金额 \($0) 元" } ?? ""
            if result.outcome == .eligible, !granted, let group = policies[result.policy]?.exclusive?.group {
                amount += "（互斥组“\(group)”中另一项政策优先，不重复享受）"
            }
            let policy = policies[result.policy]
            print("")
            print("\(result.policy) \(policy?.title ?? "")：\(result.outcome.rawValue)\(amount)")
            if let basis = policy?.basis { print("  依据 \(basis)") }
            for c in result.conditions {
                print(conditionLine(c, kind: found.kind, schemas: profiles.schemas))
            }
            if let detail = found.disagreements[result.policy] {
                print("  注意：引擎与参考求值器结果不一致（以上为引擎的结果，与夜间批处理相同；请报告此问题）：\(detail)")
            }
        }
    }

    /// Who is explained: the key (a 户号 in full, a 身份证号 masked), the household, licences.
    static func header(_ found: RuleTrial.Explanation, key: String, day: Day, schemas: SchemaSet, masking: MaskingOptions) -> [String] {
        var lines: [String] = []
        let fields = found.entity.fields
        let householdID = fields["household_id"].flatMap { value -> String? in
            if case .text(let id) = value { return id }
            return nil
        }
        if let household = found.household {
            lines.append("户号 \(household)　评估日 \(day)")
            if !found.entity.active { lines.append("注意：该户已没有有效成员（已停用），夜间批处理不评估它。") }
            let head = masking.show(found.entity.key, as: .idNumber)
            let stands = fields["relation"] == .text("户主") ? "户主 \(head) 的档案" : "成员 \(head) 的档案（本户没有登记户主，取身份证号最小者）"
            lines.append("家庭成员 \(found.entity.household.count) 人；以家庭为对象的政策按\(stands)评估")
        } else {
            lines.append("\(masking.show(key.uppercased(), as: found.kind == .residents ? .idNumber : nil))　评估日 \(day)")
            if !found.entity.active { lines.append("注意：该档案已不在最近一次全量数据中（已停用），夜间批处理不评估它。") }
            if found.kind == .residents {
                lines.append("\(householdID.map { "户号 \($0)，" } ?? "")家庭成员 \(found.entity.household.count) 人（含本人）")
            }
        }
        let licenceSchema = schemas.licences
        func text(_ licence: [String: FieldValue], _ name: String) -> String {
            guard let index = licenceSchema.index(of: name) else { return "" }
            return licence[name]?.display(for: licenceSchema.fields[index]) ?? ""
        }
        let licences = (found.entity.licences ?? []).map { licence in
            let expiry = text(licence, "expiry_date")
            return "\(text(licence, "license_type"))（有效期至 \(expiry.isEmpty ? "未填" : expiry)）"
        }
        if !licences.isEmpty { lines.append("证照：\(licences.joined(separator: "；"))") }
        return lines
    }

    private func conditionLine(_ c: PolicyEvaluation.ConditionResult, kind: DatasetKind, schemas: SchemaSet) -> String {
        ExplanationText.conditionLine(c, kind: kind, schemas: schemas, unmask: masking.unmask)
    }

    /// What a key typed on the command line may be: a 身份证号 (17 digits and a check
    /// character) is personal data and masked; a 户号 or 统一社会信用代码 is not.
    static func personalData(_ key: String) -> PersonalData? {
        let characters = Array(key.uppercased())
        guard characters.count == 18, characters.prefix(17).allSatisfy(\.isASCII), characters.prefix(17).allSatisfy(\.isNumber),
              characters[17].isNumber || characters[17] == "X" else { return nil }
        return .idNumber
    }
}
