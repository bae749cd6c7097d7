public import Datasets

/// The tables a script reads (`mianshen rules sql --ddl`, `mianshen export`): one per kind of
/// record, named as the kind (residents, enterprises, licences), with the schema's fields in
/// schema order except personal data the rules never read (names, phones); and grants_held,
/// the ledger's grants with their net amounts (for budgets).
public enum TypeMapping {
    /// The columns of a kind's table, in order.
    public static func columns(_ schema: Schema) -> [FieldSpec] {
        schema.fields.filter { field in
            field.name == schema.key.name || field.name == "holder_id" || (field.masking != .name && field.masking != .phone)
        }
    }

    /// The SQL type of a field: exact decimals keep their scale, codes and ids are text.
    public static func sqlType(_ type: FieldType, _ dialect: SQLDialect) -> String {
        switch type {
        case .integer: "BIGINT"
        case .decimal(let scale): "DECIMAL(18, \(scale))"
        case .date: "DATE"
        case .bool: "BOOLEAN"
        default: dialect.textType
        }
    }

    /// `CREATE TABLE` for every kind, with a comment per column giving its Chinese label.
    public static func ddl(_ schemas: SchemaSet, _ dialect: SQLDialect) -> String {
        var out = "-- mianshen rules sql --ddl --dialect \(dialect.rawValue)：规则 SQL 读取的表（\(dialect.label)）。\n"
        out += "-- 每张表只含有效（未迁出、未注销）的记录：mianshen export --dir 目录 导出的 CSV 按此列序、类型装载。\n"
        for kind in [DatasetKind.residents, .enterprises, .licences] {
            let schema = schemas[kind]
            let columns = Self.columns(schema)
            out += "\n-- \(schema.label)（\(schema.sourcePath)）\n"
            out += "CREATE TABLE \(kind.rawValue) (\n"
            for (index, field) in columns.enumerated() {
                let separator = index == columns.count - 1 ? "" : ","
                let notNull = field.required ? " NOT NULL" : ""
                out += "    \(field.name) \(sqlType(field.type, dialect))\(notNull)\(separator)  -- \(field.label)\n"
            }
            out += ");\n"
        }
        let text = dialect.textType
        out += """

            -- 发放台账（mianshen export 的 grants_held.csv）：每笔发放一行，净额 = 发放 + 补发 − 追回。
            -- 有预算的政策先保留本期已发放对象，本期已发总额从年度预算中扣除。
            CREATE TABLE \(grantsHeld) (
                policy_id \(text) NOT NULL,  -- 政策编号
                period \(text) NOT NULL,  -- 期间（ONCE、2025、202506）
                entity_id \(text) NOT NULL,  -- 对象编号
                net_amount DECIMAL(18, 2) NOT NULL  -- 净额（元）
            );

            """
        return out
    }

    /// The grants ledger's table (`mianshen export` writes it as grants_held.csv).
    public static let grantsHeld = "grants_held"
}
