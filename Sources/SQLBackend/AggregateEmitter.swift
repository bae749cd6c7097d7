internal import Datasets
internal import RuleLanguage

/// The aggregates over related records, one grouped CTE per collection: household members
/// (residents by 户号) and licences (by holder). Each aggregate has the engine's rules for
/// unknowns: 合计, 最大, 最小 and 计数(…, 条件) are unknown when any record's value is;
/// 任一/所有 are Kleene's OR/AND over the records.
struct AggregateEmitter {
    /// The CTE of a collection, and the key it is joined on.
    struct Collection {
        var kind: DatasetKind
        var name: String
        var alias: String
        var table: String
        var groupKey: String
        var countColumn: String
    }

    static func collection(_ kind: DatasetKind) -> Collection {
        kind == .licences
            ? Collection(kind: .licences, name: "证照_聚合", alias: "l", table: "licences", groupKey: "holder_id", countColumn: "证照_条数")
            : Collection(kind: .residents, name: "家庭成员_聚合", alias: "m", table: "residents", groupKey: "household_id", countColumn: "家庭成员_条数")
    }

    static func column(_ id: NodeID) -> String { "a\(id.index)" }

    static func kind(_ operation: Operation) -> DatasetKind {
        if case .aggregate(_, let kind, _) = operation { return kind == .licences ? .licences : .residents }
        return .licences
    }

    /// The CTE computing `nodes` (all over `collection`) per group.
    static func cte(_ collection: Collection, _ nodes: [NodeID], _ emitter: ExpressionEmitter) throws -> String {
        var columns = [
            "\(collection.alias).\(collection.groupKey) AS group_key",
            "COUNT(*) AS \(SQLDialect.quote(collection.countColumn))",
        ]
        for id in nodes {
            columns.append("\(try aggregate(id, collection, emitter)) AS \(SQLDialect.quote(column(id)))")
        }
        return """
            \(SQLDialect.quote(collection.name)) AS (
                -- \(collection.kind == .licences ? "每个持证主体的证照" : "每户的家庭成员")：集合函数按组计算一次
                SELECT \(columns.joined(separator: ",\n           "))
                FROM \(collection.table) \(collection.alias)
                GROUP BY \(collection.alias).\(collection.groupKey)
            )
            """
    }

    /// The value for an entity: the group's column, or the value over no records when it has none.
    /// Over no licences that value holds only if licences were loaded at all: an empty `licences`
    /// table (a store that never imported them exports none) leaves every licence fact unknown,
    /// as the engine does, instead of "holds none".
    static func entityValue(_ id: NodeID, _ operation: Operation, joined: Bool) -> String {
        let collection = collection(kind(operation))
        var empty = emptyValue(operation)
        if collection.kind == .licences, empty != "NULL" {
            empty = "(CASE WHEN EXISTS (SELECT 1 FROM \(collection.table)) THEN \(empty) END)"
        }
        guard joined else { return empty }
        return "(CASE WHEN \(SQLDialect.quote(collection.countColumn)) IS NULL THEN \(empty) ELSE \(SQLDialect.quote(column(id))) END)"
    }

    /// Over no records: 计数 and 合计 0, 任一 and 持有有效证照 false, 所有 true, 最大/最小 unknown.
    static func emptyValue(_ operation: Operation) -> String {
        switch operation {
        case .aggregate(.count, _, _), .aggregate(.sum, _, _): "0"
        case .aggregate(.all, _, _): "TRUE"
        case .aggregate(.any, _, _), .validLicence: "FALSE"
        default: "NULL"
        }
    }

    private static func aggregate(_ id: NodeID, _ collection: Collection, _ emitter: ExpressionEmitter) throws -> String {
        let context = ExpressionEmitter.Context.record(collection.kind, alias: collection.alias)
        let a = collection.alias
        switch emitter.program[id].operation {
        case .validLicence(let type):
            let asOf = SQLDialect.date(emitter.asOf)
            return kleeneAny("(\(a).license_type = \(SQLDialect.text(type)) AND \(a).issue_date <= \(asOf) AND \(asOf) <= \(a).expiry_date)")
        case .aggregate(let aggregate, _, let operand):
            guard let operand else {
                return aggregate == .count ? "COUNT(*)" : "NULL"
            }
            let x = try emitter.emit(operand, context)
            switch aggregate {
            case .count:
                return "CASE WHEN \(countOf("(\(x)) IS NULL")) > 0 THEN NULL ELSE \(countOf(x)) END"
            case .sum: return "CASE WHEN COUNT(\(x)) < COUNT(*) THEN NULL ELSE SUM(\(x)) END"
            case .max: return "CASE WHEN COUNT(\(x)) < COUNT(*) THEN NULL ELSE MAX(\(x)) END"
            case .min: return "CASE WHEN COUNT(\(x)) < COUNT(*) THEN NULL ELSE MIN(\(x)) END"
            case .any: return kleeneAny(x)
            case .all:
                return "CASE WHEN \(countOf("NOT (\(x))")) > 0 THEN FALSE WHEN \(countOf("(\(x)) IS NULL")) > 0 THEN NULL ELSE TRUE END"
            }
        default:
            return "NULL"
        }
    }

    /// 任一: true if some record is, else unknown if some is unknown, else false.
    private static func kleeneAny(_ x: String) -> String {
        "CASE WHEN \(countOf(x)) > 0 THEN TRUE WHEN \(countOf("(\(x)) IS NULL")) > 0 THEN NULL ELSE FALSE END"
    }

    private static func countOf(_ test: String) -> String {
        "SUM(CASE WHEN \(test) THEN 1 ELSE 0 END)"
    }
}
