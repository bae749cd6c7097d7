internal import Datasets
internal import GRDB

/// Households by their own number (户号). A household is not imported on its own: it is the
/// residents sharing a 户号. 户号 are not personal data and are shown in full.
extension ProfileStore {
    /// The household with this 户号 as a household scan sees it: the member standing for it
    /// (`ScanUnit.householdHead`: its 户主, else the smallest 身份证号), with every active
    /// member and that member's licences. A household none of whose members is active any more
    /// is returned with its members and `active` false. nil if no resident has this 户号.
    public func householdEntity(id rawID: String) throws -> StoredEntity? {
        try guarded("读取档案") {
            try pool.read { db in
                let schema = schemas.residents
                for id in Self.spellings(of: rawID) {
                    var members = try Row.fetchAll(db, sql: """
                        \(Self.select(schema)) WHERE household_id = ? AND active = 1 ORDER BY \(Self.householdOrder(schema))
                        """, arguments: [id])
                    let active = !members.isEmpty
                    if !active {
                        members = try Row.fetchAll(db, sql: """
                            \(Self.select(schema)) WHERE household_id = ? ORDER BY \(Self.householdOrder(schema))
                            """, arguments: [id])
                    }
                    guard let first = members.first else { continue }
                    let key: String = first[schema.keyIndex] ?? ""
                    return StoredEntity(
                        key: key, fields: Self.fields(first, schema), household: members.map { Self.fields($0, schema) },
                        licences: try licences(heldBy: key, db), active: active
                    )
                }
                return nil
            }
        }
    }

    /// The members of the household with this 户号, active or not, 户主 first; empty if none.
    public func householdMembers(id rawID: String) throws -> (id: String, members: [HouseholdMember]) {
        try guarded("读取档案") {
            try pool.read { db in
                for id in Self.spellings(of: rawID) {
                    let members = try householdMembers(id, db)
                    if !members.isEmpty { return (id, members) }
                }
                return (rawID, [])
            }
        }
    }

    func householdMembers(_ householdID: String, _ db: Database) throws -> [HouseholdMember] {
        try Row.fetchAll(db, sql: """
            SELECT id_number, name, relation, birth_date, active FROM residents
            WHERE household_id = ? ORDER BY CASE relation WHEN '户主' THEN 0 ELSE 1 END, birth_date
            """, arguments: [householdID]).map {
            HouseholdMember(
                idNumber: $0["id_number"], name: $0["name"] ?? "", relation: $0["relation"] ?? "",
                birthDate: $0["birth_date"] ?? "", active: $0["active"]
            )
        }
    }

    /// The active licences held under a key (统一社会信用代码 or 身份证号), by expiry date.
    func licences(heldBy key: String, _ db: Database) throws -> [[String: FieldValue]] {
        try Row.fetchAll(db, sql: """
            \(Self.select(schemas.licences)) WHERE holder_id = ? AND active = 1 ORDER BY expiry_date
            """, arguments: [key]).map { Self.fields($0, schemas.licences) }
    }

    /// A 户号 as typed, then in capitals (h4101… for H4101…), without repeating it.
    private static func spellings(of id: String) -> [String] {
        id == id.uppercased() ? [id] : [id, id.uppercased()]
    }
}
