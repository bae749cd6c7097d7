public import Datasets
internal import GRDB

/// Where active entities are and who receives for them: what `results --street` and `--wide`
/// need beside a run's rows, read in one pass per kind.
public struct EntityDirectory: Sendable {
    /// 身份证号 / 统一社会信用代码 / 户号 → the division code (a household: its head's).
    public var division: [String: String] = [:]
    /// 身份证号 → 户号.
    public var household: [String: String] = [:]
    /// 户号 → the 身份证号 of the member standing for it (户主, else the smallest 身份证号).
    public var head: [String: String] = [:]
}

extension ProfileStore {
    public func directory() throws -> EntityDirectory {
        try guarded("读取档案") {
            try pool.read { db in
                var out = EntityDirectory()
                for kind in [DatasetKind.residents, .enterprises] {
                    let schema = schemas[kind]
                    let key = ColumnMapping.quote(schema.key.name)
                    let division = schema.fields.first { $0.type == .division }.map { ColumnMapping.quote($0.name) } ?? "NULL"
                    let residents = kind == .residents && schema.index(of: "household_id") != nil
                    let household = residents ? "household_id" : "NULL"
                    let order = residents ? Self.householdOrder(schema) : key
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT \(key), \(division), \(household) FROM \(ColumnMapping.quote(kind.rawValue)) WHERE active = 1 ORDER BY \(order)
                        """)
                    while let row = try rows.next() {
                        guard let id: String = row[0] else { continue }
                        let code: String? = row[1]
                        if let code { out.division[id] = code }
                        guard let householdID: String = row[2] else { continue }
                        out.household[id] = householdID
                        if out.head[householdID] == nil {
                            out.head[householdID] = id
                            if let code { out.division[householdID] = code }
                        }
                    }
                }
                return out
            }
        }
    }
}

extension ProfileStore {
    /// One field of every active entity, by the id results use: the entity's key, or with
    /// `.householdHead` the 户号 (the value of the member standing for the household; a resident
    /// without a 户号 stands alone under its key). For a policy's 发放顺序.
    public func fieldValues(_ kind: DatasetKind, field: String, unit: ScanUnit = .each) throws -> [String: FieldValue] {
        var out: [String: FieldValue] = [:]
        try forEachOwnerValue(kind, field: field, unit: unit, sorted: false) { owner, value in
            if out[owner] == nil { out[owner] = value }
        }
        return out
    }

    /// The same, aligned to `ids` (ascending, as a batch's population lists them): rows are read
    /// in id order and merged with `ids` in one walk, without a dictionary of a million ids (that
    /// dictionary was most of the 发放顺序 step of a 1 M run). nil where an id has no value.
    public func fieldValues(_ kind: DatasetKind, field: String, unit: ScanUnit = .each, alignedTo ids: [String]) throws -> [FieldValue?] {
        var out = [FieldValue?](repeating: nil, count: ids.count)
        var next = 0
        var previous: String?
        // Residents without a 户号 come last in household order, under their own keys: few, looked up.
        var strays: [String: FieldValue] = [:]
        try forEachOwnerValue(kind, field: field, unit: unit, sorted: true) { owner, value in
            if let previous, owner == previous { return }  // the first member stands for the household
            if let previous, owner < previous {
                if strays[owner] == nil { strays[owner] = value }
                return
            }
            previous = owner
            while next < ids.count, ids[next] < owner { next += 1 }
            if next < ids.count, ids[next] == owner { out[next] = value }
        }
        if !strays.isEmpty {
            for (index, id) in ids.enumerated() where out[index] == nil { out[index] = strays[id] }
        }
        return out
    }

    /// Calls `body` with (owner id, value) for every active row; with `sorted`, in ascending owner
    /// order (households: in household order, its standing member first).
    private func forEachOwnerValue(
        _ kind: DatasetKind, field: String, unit: ScanUnit, sorted: Bool, _ body: (String, FieldValue) -> Void
    ) throws {
        let schema = schemas[kind]
        guard let index = schema.index(of: field) else { return }
        let spec = schema.fields[index]
        let households = unit == .householdHead && kind == .residents && schema.index(of: "household_id") != nil
        let key = ColumnMapping.quote(schema.key.name)
        // Only a household needs an order for the dictionary (its first member in scan order
        // stands for it); `+key` sorts after a table scan, faster than walking the key index.
        let order = households ? "ORDER BY " + Self.householdOrder(schema) : sorted ? "ORDER BY +\(key)" : ""
        try guarded("读取档案") {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(key), \(ColumnMapping.quote(field)), \(households ? "household_id" : "NULL")
                    FROM \(ColumnMapping.quote(kind.rawValue)) WHERE active = 1 \(order)
                    """)
                while let row = try rows.next() {
                    guard let id: String = row[0] else { continue }
                    let household: String? = row[2]
                    body(households ? household ?? id : id, ColumnMapping.fieldValue(row[1], type: spec.type))
                }
            }
        }
    }
}
