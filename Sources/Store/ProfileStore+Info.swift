public import Datasets
internal import GRDB

/// What `db info` shows.
public struct StoreInfo: Sendable {
    public var path: String
    public var migrations: [String]
    /// Active and inactive counts per kind.
    public var counts: [(kind: DatasetKind, active: Int, inactive: Int)]
    public var households: Int
    public var quarantineRows: Int
    /// Data-quality warnings kept (all imports).
    public var warningRows: Int
    public var changeRows: Int
    public var recentImports: [ImportRecord]
    /// Per kind: the cached columns, their bytes, whether they are of the latest import, and the
    /// objects the imports since changed that the next read merges in (`CacheDelta`).
    public var columnCache: [(kind: DatasetKind, columns: Int, bytes: Int, current: Bool, pending: Int)] = []
}

extension ProfileStore {
    public func info(recent: Int = 10) throws -> StoreInfo {
        try guarded("读取数据库概况") {
            try pool.read { db in
                var counts: [(DatasetKind, Int, Int)] = []
                for kind in DatasetKind.allCases {
                    let row = try Row.fetchOne(db, sql: """
                        SELECT COALESCE(SUM(active), 0) AS active, COALESCE(SUM(1 - active), 0) AS inactive
                        FROM \(ColumnMapping.quote(kind.rawValue))
                        """)
                    counts.append((kind, row?["active"] ?? 0, row?["inactive"] ?? 0))
                }
                var cache: [(DatasetKind, Int, Int, Bool, Int)] = []
                for kind in DatasetKind.allCases {
                    guard let row = try Row.fetchOne(db, sql: """
                        SELECT COALESCE(SUM(name <> ?), 0) AS n, COALESCE(SUM(length(data)), 0) AS bytes,
                            MAX(generation) AS generation
                        FROM column_cache WHERE kind = ? AND name NOT LIKE ?
                        """, arguments: [CacheDelta.entry, kind.rawValue, StoredRowsSnapshot.entry + "%"]),
                          let n: Int = row["n"], n > 0 else { continue }
                    let generation: Int64 = row["generation"] ?? 0
                    let current = try ColumnCache.generation(of: kind, db)
                    let pending = try CacheDelta.recorded(kind: kind, generation: current, db)?.keys.count ?? 0
                    cache.append((kind, n, row["bytes"] ?? 0, generation == current, pending))
                }
                return StoreInfo(
                    path: path,
                    migrations: try Migrations.migrator(schemas: schemas).appliedIdentifiers(db).sorted(),
                    counts: counts,
                    households: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM households") ?? 0,
                    quarantineRows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM quarantine") ?? 0,
                    warningRows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM warnings") ?? 0,
                    changeRows: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM changes") ?? 0,
                    recentImports: try Row.fetchAll(
                        db, sql: "SELECT * FROM imports ORDER BY id DESC LIMIT ?", arguments: [recent]
                    ).map(ImportRecord.init(row:)),
                    columnCache: cache
                )
            }
        }
    }

    /// Every row of one kind, values in schema order, sorted by key (for tests and exports).
    public func allRows(_ kind: DatasetKind) throws -> [[FieldValue]] {
        let schema = schemas[kind]
        return try guarded("读取\(schema.label)数据") {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT * FROM \(ColumnMapping.quote(kind.rawValue)) ORDER BY \(ColumnMapping.quote(schema.key.name))
                    """).map { row in schema.fields.map { ColumnMapping.fieldValue(row[$0.name], type: $0.type) } }
            }
        }
    }
}
