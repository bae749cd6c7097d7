public import Datasets
internal import GRDB

/// One active profile with the records related to it, by canonical field name: what a trial
/// evaluation needs to decide every policy for that entity.
public struct StoredEntity: Sendable {
    public var key: String
    public var fields: [String: FieldValue]
    /// The active members of the entity's household (itself included); empty for enterprises.
    public var household: [[String: FieldValue]]
    /// The licences held under the entity's key (统一社会信用代码 or 身份证号).
    public var licences: [[String: FieldValue]]
    /// False once a full extract no longer lists the entity; scans yield active entities only.
    public var active = true
}

/// Which entities a scan yields: every person or enterprise, or one per household.
public enum ScanUnit: Sendable {
    case each
    /// The 户主 of each household (or, where none is recorded, its first member by 身份证号).
    case householdHead
}

extension ProfileStore {
    /// Calls `body` for every active profile of `kind`, in a stable order (household, then key),
    /// with its household and licences. Reads one consistent snapshot; rows stream through a
    /// cursor and only one household is held at a time (licences are loaded once, grouped).
    public func scan(_ kind: DatasetKind, unit: ScanUnit = .each, _ body: (StoredEntity) throws -> Void) throws {
        try guarded("读取档案") {
            try pool.read { db in
                let licences = try licencesByHolder(db)
                let schema = schemas[kind]
                let key = ColumnMapping.quote(schema.key.name)
                let grouped = kind == .residents
                let order = grouped
                    ? "household_id IS NULL, household_id, CASE relation WHEN '户主' THEN 0 ELSE 1 END, \(key)"
                    : key
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(ColumnMapping.quote(kind.rawValue)) WHERE active = 1 ORDER BY \(order)")
                var group: [(key: String, fields: [String: FieldValue])] = []
                var groupID: String?
                func flush() throws {
                    defer { group.removeAll(keepingCapacity: true) }
                    let members = group.map(\.fields)
                    let chosen = unit == .householdHead ? Array(group.prefix(1)) : group
                    for member in chosen {
                        try body(StoredEntity(
                            key: member.key, fields: member.fields,
                            household: grouped ? members : [], licences: licences[member.key] ?? []
                        ))
                    }
                }
                while let row = try rows.next() {
                    let fields = Self.fields(row, schema)
                    let entityKey: String = row[schema.key.name] ?? ""
                    let household: String? = grouped ? row["household_id"] : nil
                    // A resident without a household is a household of one.
                    if household == nil || household != groupID { try flush() }
                    groupID = household
                    group.append((entityKey, fields))
                }
                try flush()
            }
        }
    }

    /// One resident (by 身份证号) or enterprise (by 统一社会信用代码), active or not, with its
    /// household and licences as a scan would give them.
    public func entity(key rawKey: String) throws -> (kind: DatasetKind, entity: StoredEntity)? {
        let key = rawKey.uppercased()
        return try guarded("读取档案") {
            try pool.read { db in
                for kind in [DatasetKind.residents, .enterprises] {
                    let schema = schemas[kind]
                    let sql = "SELECT * FROM \(ColumnMapping.quote(kind.rawValue)) WHERE \(ColumnMapping.quote(schema.key.name)) = ?"
                    guard let row = try Row.fetchOne(db, sql: sql, arguments: [key]) else { continue }
                    var household: [[String: FieldValue]] = []
                    if kind == .residents, let id: String = row["household_id"] {
                        household = try Row.fetchAll(db, sql: "SELECT * FROM residents WHERE household_id = ? AND active = 1", arguments: [id])
                            .map { Self.fields($0, schema) }
                    } else if kind == .residents {
                        household = [Self.fields(row, schema)]
                    }
                    let licences = try Row.fetchAll(db, sql: "SELECT * FROM licences WHERE holder_id = ? AND active = 1 ORDER BY expiry_date", arguments: [key])
                        .map { Self.fields($0, schemas.licences) }
                    let entity = StoredEntity(key: key, fields: Self.fields(row, schema), household: household, licences: licences, active: row["active"] ?? false)
                    return (kind, entity)
                }
                return nil
            }
        }
    }

    private func licencesByHolder(_ db: Database) throws -> [String: [[String: FieldValue]]] {
        var out: [String: [[String: FieldValue]]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM licences WHERE active = 1 ORDER BY holder_id, expiry_date")
        while let row = try rows.next() {
            guard let holder: String = row["holder_id"] else { continue }
            out[holder, default: []].append(Self.fields(row, schemas.licences))
        }
        return out
    }

    static func fields(_ row: Row, _ schema: Schema) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(schema.fields.count)
        for field in schema.fields { fields[field.name] = ColumnMapping.fieldValue(row[field.name], type: field.type) }
        return fields
    }
}
