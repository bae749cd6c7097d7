import ArgumentParser
import Datasets
import Pipeline
import Store

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "查看一人一档、一企一档或一户：各字段、家庭成员或证照、变更历史。",
        discussion: "按身份证号查居民，按统一社会信用代码查企业，按户号查一户的成员。个人信息默认脱敏，加 --unmask 显示原文；户号不是个人信息，照原样显示。"
    )

    @Argument(help: ArgumentHelp("身份证号、统一社会信用代码或户号。", valueName: "KEY"))
    var key: String

    @Option(name: .long, help: "输出格式：table、csv（字段,名称,值）或 json。")
    var format: OutputFormat = .table

    @OptionGroup var masking: MaskingOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            let profiles = try store.openStore()
            guard let profile = try profiles.profile(key: key) else {
                let household = try profiles.householdMembers(id: key)
                guard !household.members.isEmpty else {
                    printError("未找到 \(masking.show(key, as: RulesCommand.Try.personalData(key))) 的档案（居民按身份证号、企业按统一社会信用代码、一户按户号查询）。")
                    throw ExitCode(1)
                }
                try masking.record(profiles, command: "profile", scope: AuditScope("一户 \(household.members.count) 人", entity: key))
                print(HouseholdText(id: household.id, members: household.members, masking: masking, format: format,
                    inactiveLabel: profiles.schemas.residents.inactiveLabel
                ).render())
                return
            }
            let kindName = profile.kind == .residents ? "一人一档" : "一企一档"
            try masking.record(profiles, command: "profile", scope: AuditScope(kindName, entity: key))
            let fields = zip(profile.schema.fields, profile.values).map { field, value in
                (field, show(value, of: field))
            }
            switch format {
            case .csv:
                print(CSVOutput.line(["field", "label", "value"]))
                for (field, value) in fields { print(CSVOutput.line([field.name, field.label, value])) }
            case .json:
                var object: [String: Any] = ["kind": profile.kind.rawValue, "active": profile.active]
                for (field, value) in fields { object[field.name] = value }
                object["history"] = profile.history.map {
                    ["import_id": $0.importID, "field": $0.field, "old": $0.oldValue ?? "", "new": $0.newValue ?? ""] as [String: Any]
                }
                print(JSONOutput.line(object))
            case .table:
                print(ProfileText(profile: profile, fields: fields, masking: masking, schemas: profiles.schemas).render())
            }
        }
    }

    func show(_ value: FieldValue, of field: FieldSpec) -> String {
        masking.show(value.describe(for: field), as: field.masking)
    }
}

/// The profile as a person reads it.
struct ProfileText {
    var profile: Profile
    var fields: [(FieldSpec, String)]
    var masking: MaskingOptions
    var schemas: SchemaSet

    func render() -> String {
        let kindName = profile.kind == .residents ? "一人一档（居民）" : "一企一档（企业）"
        var out = "\(kindName)  状态：\(profile.active ? "有效" : profile.schema.inactiveLabel)  首次导入 #\(profile.firstImportID)，最近更新 #\(profile.lastImportID)\n"
        var table = TextTable(["字段", "名称", "值"])
        for (field, value) in fields {
            // Divisions with their names: 淮河路街道（410103001）, 未知街道（410103015）.
            let shown = value.isEmpty ? "（未知）" : field.type == .division ? schemas.divisions.label(of: value) : value
            table.add([field.name, field.label, shown])
        }
        out += table.render() + "\n"
        if profile.kind == .residents {
            out += "\n家庭成员（\(profile.household.count) 人）\n"
            var members = TextTable(["身份证号", "姓名", "与户主关系", "出生日期", "状态"])
            for m in profile.household {
                members.add([
                    masking.show(m.idNumber, as: .idNumber), masking.show(m.name, as: .name), m.relation, m.birthDate,
                    m.active ? "有效" : profile.schema.inactiveLabel,
                ])
            }
            out += members.render() + "\n"
        }
        let licenceSchema = schemas.licences
        out += "\n电子证照（\(profile.licences.count) 个）\n"
        if profile.licences.isEmpty {
            out += "（无）\n"
        } else {
            let shown = ["license_type", "license_no", "issue_date", "expiry_date"].compactMap(licenceSchema.index(of:))
            var licences = TextTable(shown.map { licenceSchema.fields[$0].label })
            for licence in profile.licences {
                licences.add(shown.map { licence[$0].describe(for: licenceSchema.fields[$0]) })
            }
            out += licences.render() + "\n"
        }
        out += "\n变更历史（\(profile.history.count) 条）\n"
        if profile.history.isEmpty {
            out += "（无）"
        } else {
            var history = TextTable(["导入", "时间", "字段", "原值", "新值"])
            for change in profile.history {
                let field = profile.schema.fields.first { $0.name == change.field }
                let label = change.field == "active" ? "是否有效（\(profile.schema.inactiveLabel)为否）" : field?.label ?? change.field
                history.add([
                    "#\(change.importID)", change.importedAt, label,
                    masking.show(change.oldValue ?? "", as: field?.masking), masking.show(change.newValue ?? "", as: field?.masking),
                ])
            }
            out += history.render()
        }
        return out
    }
}
