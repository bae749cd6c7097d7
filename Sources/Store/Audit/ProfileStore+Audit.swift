internal import Foundation
internal import GRDB

extension ProfileStore {
    /// Appends one entry in a write transaction: the next id and the previous hash are read
    /// from the head row, `seal` computes the entry's hash from the draft (whose `hash` is
    /// empty), and the entry and the new head are written together. The pool's write is an
    /// IMMEDIATE transaction: the write lock is held before the head is read, so two processes
    /// appending at once wait for each other (busy timeout) instead of forking the chain.
    public func appendAudit(
        operatorName: String, command: String, scope: String, entity: String?, purpose: String?, unmasked: Bool,
        seal: @Sendable (AuditRecord) -> String
    ) throws -> AuditRecord {
        try guarded("写入审计日志") {
            try pool.write { db in
                let head = try Self.auditHead(db)
                var entry = AuditRecord(
                    id: (head?.lastID ?? 0) + 1, at: Self.timestamp(), operatorName: operatorName, command: command,
                    scope: scope, entity: entity, purpose: purpose, unmasked: unmasked,
                    previousHash: head?.lastHash ?? AuditRecord.genesisHash, hash: ""
                )
                entry.hash = seal(entry)
                try db.execute(
                    sql: """
                        INSERT INTO audit_log (id, at, operator, command, scope, entity, purpose, unmasked, previous_hash, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        entry.id, entry.at, entry.operatorName, entry.command, entry.scope, entry.entity, entry.purpose,
                        entry.unmasked, entry.previousHash, entry.hash,
                    ]
                )
                try db.execute(
                    sql: "INSERT OR REPLACE INTO audit_head (one, last_id, last_hash) VALUES (1, ?, ?)",
                    arguments: [entry.id, entry.hash]
                )
                return entry
            }
        }
    }

    /// Entries in id order; `since` compares with the UTC time as text (2026-11-30 or a full time).
    public func auditRecords(since: String? = nil, operatorName: String? = nil) throws -> [AuditRecord] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let since {
            conditions.append("at >= ?")
            arguments.append(since)
        }
        if let operatorName {
            conditions.append("operator = ?")
            arguments.append(operatorName)
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try guarded("读取审计日志") {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM audit_log\(filter) ORDER BY id", arguments: StatementArguments(arguments)
                ).map(Self.auditRecord)
            }
        }
    }

    /// The head row, nil while the log is empty.
    public func auditHead() throws -> AuditHead? {
        try guarded("读取审计日志") { try pool.read { db in try Self.auditHead(db) } }
    }

    private static func auditHead(_ db: Database) throws -> AuditHead? {
        guard let row = try Row.fetchOne(db, sql: "SELECT last_id, last_hash FROM audit_head WHERE one = 1") else { return nil }
        return AuditHead(lastID: Int64.fromDatabaseValue(row["last_id"]) ?? -1, lastHash: String.fromDatabaseValue(row["last_hash"]) ?? "")
    }

    /// Read leniently: a row edited by hand (a number where text was, NULL) must reach
    /// `audit verify` as a broken entry, not stop the tool.
    private static func auditRecord(_ row: Row) -> AuditRecord {
        func text(_ column: String) -> String? {
            switch (row[column] as DatabaseValue).storage {
            case .null: nil
            case .int64(let i): String(i)
            case .double(let d): String(d)
            case .string(let s): s
            case .blob(let b): String(decoding: b, as: UTF8.self)
            }
        }
        return AuditRecord(
            id: row["id"], at: text("at") ?? "", operatorName: text("operator") ?? "", command: text("command") ?? "",
            scope: text("scope") ?? "", entity: text("entity"), purpose: text("purpose"), unmasked: text("unmasked") == "1",
            previousHash: text("previous_hash") ?? "", hash: text("hash") ?? ""
        )
    }
}
