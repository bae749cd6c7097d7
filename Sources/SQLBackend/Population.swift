internal import Datasets
internal import RuleLanguage

/// A subject's entities as one row each: residents (居民), households (家庭: the member standing
/// for the household, as the engine picks it: the first 户主 by 身份证号, else the first member),
/// enterprises (企业), joined with the aggregates over their household members and licences.
struct Population {
    let subject: String
    let schemas: SchemaSet
    let dialect: SQLDialect

    func cte(joined: Set<DatasetKind>, aggregates: [DatasetKind: Set<NodeID>]) -> String {
        let firm = subject == "企业"
        let key = firm ? schemas.enterprises.key.name : schemas.residents.key.name
        let entity = subject == "家庭" ? "household_id" : key
        var columns = ["p.*", "p.\(SQLDialect.quote(entity)) AS entity_id"]
        var joins: [String] = []
        for kind in [DatasetKind.residents, .licences] where joined.contains(kind) {
            let collection = AggregateEmitter.collection(kind)
            let alias = kind == .licences ? "lc" : "hm"
            columns.append("\(alias).\(SQLDialect.quote(collection.countColumn))")
            for id in (aggregates[kind] ?? []).sorted() { columns.append("\(alias).\(SQLDialect.quote(AggregateEmitter.column(id)))") }
            let on = kind == .licences ? key : "household_id"
            joins.append("LEFT JOIN \(SQLDialect.quote(collection.name)) \(alias) ON \(alias).group_key = p.\(SQLDialect.quote(on))")
        }
        let from: String
        var filter = ""
        switch subject {
        case "企业":
            from = "enterprises p"
        case "家庭":
            let order = "CASE WHEN r.relation = '户主' THEN 0 ELSE 1 END, \(dialect.binary("r.\(SQLDialect.quote(key))"))"
            from = "(SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.household_id ORDER BY \(order)) AS household_rank FROM residents r) p"
            filter = "\n    WHERE p.household_rank = 1"
        default:
            from = "residents p"
        }
        let comment: String = switch subject {
        case "企业": "-- 企业：每个有效企业一行"
        case "家庭": "-- 家庭：每户一行（按户号），取户主（多名户主取身份证号最小者；没有户主取身份证号最小的成员）的字段"
        default: "-- 居民：每个有效居民一行"
        }
        return """
            \(SQLDialect.quote(subject)) AS (
                \(comment)
                SELECT \(columns.joined(separator: ", "))
                FROM \(from)\(joins.map { "\n    " + $0 }.joined())\(filter)
            )
            """
    }
}
