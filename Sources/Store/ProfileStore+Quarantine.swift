internal import Datasets
internal import GRDB

/// Which quarantine entries to list.
public enum QuarantineScope: Sendable, Hashable {
    /// The latest import of each file (the default: what is wrong with the files as they are now).
    case latestPerFile
    case importID(Int64)
    case all
}

extension ProfileStore {
    /// Quarantine entries in scope, sorted by file and line.
    public func quarantine(_ scope: QuarantineScope) throws -> [QuarantineEntryRecord] {
        let filter: String
        var arguments: StatementArguments = []
        switch scope {
        case .latestPerFile:
            filter = "WHERE q.import_id IN (SELECT MAX(id) FROM imports GROUP BY path, kind)"
        case .importID(let id):
            filter = "WHERE q.import_id = ?"
            arguments = [id]
        case .all:
            filter = ""
        }
        return try guarded("读取隔离区") {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT q.*, i.kind FROM quarantine q JOIN imports i ON i.id = q.import_id \(filter) ORDER BY q.file, q.line, q.import_id, q.id
                    """, arguments: arguments).map { row in
                    QuarantineEntryRecord(
                        importID: row["import_id"], kind: DatasetKind(rawValue: row["kind"]),
                        entry: QuarantineEntry(
                            file: row["file"], line: row["line"], field: row["field"],
                            reason: ReasonCode(rawValue: row["reason_code"]) ?? .badFormat,
                            value: row["value"], message: row["message"]
                        )
                    )
                }
            }
        }
    }

    /// Whether an import with this id exists.
    public func importExists(_ id: Int64) throws -> Bool {
        try guarded("查询导入记录") {
            try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM imports WHERE id = ?)", arguments: [id]) ?? false }
        }
    }
}
