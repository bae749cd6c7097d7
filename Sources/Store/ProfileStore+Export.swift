public import Datasets
internal import GRDB

extension ProfileStore {
    /// The active records of `kind`, `columns` of each (canonical names, in the order given), in
    /// key order, from one snapshot; rows stream through a cursor. Unknown column names are an
    /// error naming them.
    public func activeRows(_ kind: DatasetKind, columns: [String], _ body: ([FieldValue]) throws -> Void) throws {
        let schema = schemas[kind]
        let specs = try columns.map { name in
            guard let spec = schema.fields.first(where: { $0.name == name }) else {
                throw StoreError("数据规范 \(schema.kind.rawValue) 中没有字段 \(name)。")
            }
            return spec
        }
        let list = specs.map { ColumnMapping.quote($0.name) }.joined(separator: ", ")
        let table = ColumnMapping.quote(kind.rawValue)
        let sql = "SELECT \(list) FROM \(table) WHERE active = 1 ORDER BY \(ColumnMapping.quote(schema.key.name))"
        try guarded("导出\(schema.label)") {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: sql)
                var values: [FieldValue] = []
                values.reserveCapacity(specs.count)
                while let row = try rows.next() {
                    values.removeAll(keepingCapacity: true)
                    for (index, spec) in specs.enumerated() {
                        values.append(ColumnMapping.fieldValue(row[index], type: spec.type))
                    }
                    try body(values)
                }
            }
        }
    }
}
