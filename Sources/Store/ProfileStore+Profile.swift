internal import Datasets
internal import GRDB

extension ProfileStore {
    /// Finds a resident by 身份证号 or an enterprise by 统一社会信用代码.
    public func profile(key rawKey: String) throws -> Profile? {
        let key = rawKey.uppercased()
        return try guarded("读取档案") {
            try pool.read { db in
                for kind in [DatasetKind.residents, .enterprises] {
                    if let profile = try profile(kind: kind, key: key, db: db) { return profile }
                }
                return nil
            }
        }
    }

    private func profile(kind: DatasetKind, key: String, db: Database) throws -> Profile? {
        let schema = schemas[kind]
        let table = ColumnMapping.quote(kind.rawValue)
        let keyColumn = ColumnMapping.quote(schema.key.name)
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE \(keyColumn) = ?", arguments: [key]) else {
            return nil
        }
        let values = schema.fields.map { ColumnMapping.fieldValue(row[$0.name], type: $0.type) }
        var household: [HouseholdMember] = []
        if kind == .residents, let householdID: String = row["household_id"] {
            household = try householdMembers(householdID, db)
        }
        let licenceSchema = schemas.licences
        let licences = try Row.fetchAll(db, sql: """
            SELECT * FROM licences WHERE holder_id = ? ORDER BY expiry_date
            """, arguments: [key]).map { licence in
            licenceSchema.fields.map { ColumnMapping.fieldValue(licence[$0.name], type: $0.type) }
        }
        let history = try Row.fetchAll(db, sql: """
            SELECT c.import_id, i.started_at, i.path, c.field, c.old_value, c.new_value
            FROM changes c JOIN imports i ON i.id = c.import_id
            WHERE c.kind = ? AND c.entity_key = ? ORDER BY c.id
            """, arguments: [kind.rawValue, key]).map {
            FieldChange(
                importID: $0["import_id"], importedAt: $0["started_at"], file: $0["path"], field: $0["field"],
                oldValue: $0["old_value"], newValue: $0["new_value"]
            )
        }
        return Profile(
            kind: kind, schema: schema, values: values, active: row["active"], firstImportID: row["first_import_id"],
            lastImportID: row["last_import_id"], household: household, licences: licences, history: history
        )
    }
}
