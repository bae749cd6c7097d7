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
        try rows(of: "quarantine", in: scope, unknown: .badFormat)
    }

    /// Data-quality warnings in scope (rows imported with a value a hand-kept list lacks), sorted
    /// by file and line.
    public func warnings(_ scope: QuarantineScope) throws -> [DataWarningRecord] {
        try rows(of: "warnings", in: scope, unknown: .unknownValue)
    }

    /// The rows of `table` (quarantine or warnings, which share their columns) in scope.
    private func rows<Reason>(
        of table: String, in scope: QuarantineScope, unknown: Reason
    ) throws -> [StoredRowIssue<Reason>] {
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
        return try guarded(table == "warnings" ? "读取数据质量警告" : "读取隔离区") {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT q.*, i.kind FROM \(table) q JOIN imports i ON i.id = q.import_id \(filter) ORDER BY q.file, q.line, q.import_id, q.id
                    """, arguments: arguments).map { row in
                    StoredRowIssue(
                        importID: row["import_id"], kind: DatasetKind(rawValue: row["kind"]),
                        entry: RowIssue(
                            file: row["file"], line: row["line"], field: row["field"],
                            reason: Reason(rawValue: row["reason_code"]) ?? unknown,
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
