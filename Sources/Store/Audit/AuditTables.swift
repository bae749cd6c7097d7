/// The audit log's tables (migration v9-audit). `audit_log` is append-only by convention: the
/// tool never updates or deletes a row; `audit_head` holds the newest entry's id and hash.
enum AuditTables {
    static let schema = """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            operator TEXT NOT NULL,
            command TEXT NOT NULL,
            scope TEXT NOT NULL,
            entity TEXT,
            purpose TEXT,
            unmasked INTEGER NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_log_by_operator ON audit_log(operator, at);
        CREATE TABLE audit_head (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            last_id INTEGER NOT NULL,
            last_hash TEXT NOT NULL
        );
        """
}
