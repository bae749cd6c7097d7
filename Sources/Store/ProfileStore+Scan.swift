public import Datasets
internal import GRDB

/// One active profile with the records related to it, by canonical field name: what a trial
/// evaluation needs to decide every policy for that entity.
public struct StoredEntity: Sendable {
    public var key: String
    public var fields: [String: FieldValue]
    /// The active members of the entity's household (itself included); empty for enterprises.
    public var household: [[String: FieldValue]]
    /// The licences held under the entity's key (统一社会信用代码 or 身份证号); nil when no
    /// licence data was ever imported (whether the entity holds any is unknown, not “none”).
    public var licences: [[String: FieldValue]]?
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
    /// Columns are read by position (the schema's order), not looked up by name per row.
    public func scan(_ kind: DatasetKind, unit: ScanUnit = .each, _ body: (StoredEntity) throws -> Void) throws {
        try guarded("读取档案") {
            try pool.read { db in
                let licences = try Self.everImported(.licences, db) ? licencesByHolder(db) : nil
                let schema = schemas[kind]
                let grouped = kind == .residents
                let householdColumn = grouped ? schema.index(of: "household_id") : nil
                let order = grouped ? Self.householdOrder(schema) : ColumnMapping.quote(schema.key.name)
                let rows = try Row.fetchCursor(db, sql: "\(Self.select(schema)) WHERE active = 1 ORDER BY \(order)")
                var group: [(key: String, fields: [String: FieldValue])] = []
                var groupID: String?
                func flush() throws {
                    defer { group.removeAll(keepingCapacity: true) }
                    let members = group.map(\.fields)
                    let chosen = unit == .householdHead ? Array(group.prefix(1)) : group
                    for member in chosen {
                        try body(StoredEntity(
                            key: member.key, fields: member.fields,
                            household: grouped ? members : [], licences: licences.map { $0[member.key] ?? [] }
                        ))
                    }
                }
                while let row = try rows.next() {
                    let entityKey: String = row[schema.keyIndex] ?? ""
                    let household: String? = householdColumn.flatMap { row[$0] }
                    // A resident without a household is a household of one.
                    if household == nil || household != groupID { try flush() }
                    groupID = household
                    group.append((entityKey, Self.fields(row, schema)))
                }
                try flush()
            }
        }
    }

    /// One resident (by 身份证号) or enterprise (by 统一社会信用代码), active or not, with its
    /// household and licences as a scan would give them, and whether a household scan would
    /// pick it to stand for its household (the same rule as `ScanUnit.householdHead`).
    public func entity(key rawKey: String) throws -> (kind: DatasetKind, entity: StoredEntity, representsHousehold: Bool)? {
        let key = rawKey.uppercased()
        return try guarded("读取档案") {
            try pool.read { db in
                for kind in [DatasetKind.residents, .enterprises] {
                    let schema = schemas[kind]
                    let keyColumn = ColumnMapping.quote(schema.key.name)
                    let sql = "\(Self.select(schema, extra: "active")) WHERE \(keyColumn) = ?"
                    guard let row = try Row.fetchOne(db, sql: sql, arguments: [key]) else { continue }
                    let fields = Self.fields(row, schema)
                    var household: [[String: FieldValue]] = []
                    var represents = true
                    if kind == .residents, case .text(let id)? = fields["household_id"] {
                        let members = try Row.fetchAll(db, sql: """
                            \(Self.select(schema)) WHERE household_id = ? AND active = 1 ORDER BY \(Self.householdOrder(schema))
                            """, arguments: [id])
                        household = members.map { Self.fields($0, schema) }
                        represents = members.first.map { ($0[schema.keyIndex] as String?) == key } ?? true
                    } else if kind == .residents {
                        household = [fields]
                    }
                    let held = try Self.everImported(.licences, db) ? licences(heldBy: key, db) : nil
                    let active: Bool = row[schema.fields.count] ?? false
                    let entity = StoredEntity(key: key, fields: fields, household: household, licences: held, active: active)
                    return (kind, entity, represents)
                }
                return nil
            }
        }
    }

    /// Whether any import of `kind` was ever recorded: before one, that kind of record is
    /// missing data rather than an empty list.
    static func everImported(_ kind: DatasetKind, _ db: Database) throws -> Bool {
        try ColumnCache.generation(of: kind, db) > 0
    }

    private func licencesByHolder(_ db: Database) throws -> [String: [[String: FieldValue]]] {
        let schema = schemas.licences
        guard let holderColumn = schema.index(of: "holder_id") else { return [:] }
        var out: [String: [[String: FieldValue]]] = [:]
        let rows = try Row.fetchCursor(db, sql: "\(Self.select(schema)) WHERE active = 1 ORDER BY holder_id, expiry_date")
        while let row = try rows.next() {
            guard let holder: String = row[holderColumn] else { continue }
            out[holder, default: []].append(Self.fields(row, schema))
        }
        return out
    }

    /// `SELECT` of the schema's fields in schema order (then `extra` columns), so a row's
    /// column `i` is `schema.fields[i]`.
    static func select(_ schema: Schema, extra: String...) -> String {
        let columns = schema.fields.map { ColumnMapping.quote($0.name) } + extra.map(ColumnMapping.quote)
        return "SELECT \(columns.joined(separator: ", ")) FROM \(ColumnMapping.quote(schema.kind.rawValue))"
    }

    /// A household's members, the one standing for it first: its 户主, else the smallest key.
    static func householdOrder(_ schema: Schema) -> String {
        "household_id IS NULL, household_id, CASE relation WHEN '户主' THEN 0 ELSE 1 END, \(ColumnMapping.quote(schema.key.name))"
    }

    /// A row read with `select(schema)`, by canonical field name.
    static func fields(_ row: Row, _ schema: Schema) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        fields.reserveCapacity(schema.fields.count)
        for (index, field) in schema.fields.enumerated() {
            fields[field.name] = ColumnMapping.fieldValue(row[index], type: field.type)
        }
        return fields
    }
}
