import Datasets
import Store

/// `profile 户号`: a household is the residents sharing a 户号 (no record of its own). The 户号
/// is shown in full; members' 身份证号 and names are masked unless --unmask.
struct HouseholdText {
    var id: String
    var members: [HouseholdMember]
    var masking: MaskingOptions
    var format: OutputFormat
    /// What an inactive resident is called (迁出/死亡), from the schema.
    var inactiveLabel: String

    func render() -> String {
        let rows = members.map { m in
            [masking.show(m.idNumber, as: .idNumber), masking.show(m.name, as: .name), m.relation, m.birthDate, m.active ? "有效" : inactiveLabel]
        }
        switch format {
        case .csv:
            let header = CSVOutput.line(["household_id", "id_number", "name", "relation", "birth_date", "active"])
            return ([header] + zip(members, rows).map { m, row in
                CSVOutput.line([id, row[0], row[1], row[2], row[3], m.active ? "是" : "否"])
            }).joined(separator: "\n")
        case .json:
            let list = zip(members, rows).map { m, row -> [String: Any] in
                ["id_number": row[0], "name": row[1], "relation": row[2], "birth_date": row[3], "active": m.active]
            }
            return JSONOutput.line(["kind": "household", "household_id": id, "members": list])
        case .table:
            let active = members.filter(\.active).count
            var table = TextTable(["身份证号", "姓名", "与户主关系", "出生日期", "状态"])
            rows.forEach { table.add($0) }
            return "家庭户 \(id)  成员 \(members.count) 人（有效 \(active) 人）\n" + table.render()
        }
    }
}
