internal import Datasets
internal import GRDB

/// The store's schema, built by GRDB's migrator. Profile tables follow the schema files under
/// `Rules/schemas/`: a field added there becomes a column at the next open.
enum Migrations {
    static func migrator(schemas: SchemaSet) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE imports (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    format TEXT NOT NULL,
                    encoding TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    rows_read INTEGER NOT NULL DEFAULT 0,
                    inserted INTEGER NOT NULL DEFAULT 0,
                    updated INTEGER NOT NULL DEFAULT 0,
                    unchanged INTEGER NOT NULL DEFAULT 0,
                    quarantined INTEGER NOT NULL DEFAULT 0,
                    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'rejected')),
                    message TEXT
                );
                CREATE INDEX imports_by_content ON imports(kind, sha256);
                CREATE INDEX imports_by_path ON imports(path);
                \(rowIssueTable("quarantine"))
                CREATE TABLE changes (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    entity_key TEXT NOT NULL,
                    field TEXT NOT NULL,
                    old_value TEXT,
                    new_value TEXT,
                    import_id INTEGER NOT NULL REFERENCES imports(id)
                );
                CREATE INDEX changes_by_entity ON changes(kind, entity_key);
                """)
        }
        migrator.registerMigration("v1-profiles") { db in
            for kind in DatasetKind.allCases {
                try createProfileTable(schemas[kind], in: db)
            }
            try db.execute(sql: """
                CREATE INDEX residents_by_household ON residents(household_id);
                CREATE INDEX licences_by_holder ON licences(holder_id);
                CREATE VIEW households AS
                    SELECT household_id,
                           COUNT(*) AS members,
                           MAX(CASE WHEN relation = '户主' THEN id_number END) AS head_id_number
                    FROM residents WHERE active = 1
                    GROUP BY household_id;
                """)
        }
        migrator.registerMigration("v2-full-extracts") { db in
            try db.execute(sql: """
                ALTER TABLE imports ADD COLUMN full INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE imports ADD COLUMN deactivated INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v3-warnings") { db in
            // Data-quality warnings: rows imported and stored with a value a hand-kept list
            // (二七区's streets, industry divisions, licence types) does not know. Same columns as
            // the quarantine; never counted as bad rows.
            try db.execute(sql: """
                \(rowIssueTable("warnings"))
                ALTER TABLE imports ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v4-conditional-empty") { db in
            try forgetUnconditionalEmptyValues(schemas: schemas, in: db)
        }
        migrator.registerMigration("v5-runs") { db in
            try db.execute(sql: RunTables.schema)
        }
        // From here on, a migration that changes profile rows must also `DELETE FROM column_cache`.
        migrator.registerMigration("v6-column-cache") { db in
            try db.execute(sql: ColumnCache.schema)
        }
        migrator.registerMigration("v7-grants") { db in
            try db.execute(sql: GrantTables.schema)
        }
        migrator.registerMigration("v7b-application-status") { db in
            try db.execute(sql: GrantTables.applicationSchema)
        }
        migrator.registerMigration("v8-reviews") { db in
            try db.execute(sql: ReviewTables.schema)
        }
        migrator.registerMigration("v9-audit") { db in
            try db.execute(sql: AuditTables.schema)
        }
        // Whether a run bound a review item to every unknown in its own transaction. Runs stored
        // before are not known to have (0): the next run checks every item's inputs again. Such a
        // run's successor on the same inputs reads only the decided items (a partial index).
        migrator.registerMigration("v9b-runs-reviewed") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX review_items_decided ON review_items (policy_id, entity_id) WHERE status = 'decided';
                """)
        }
        migrator.registerMigration("v9c-grant-flag-closing") { db in
            try db.execute(sql: GrantTables.flagClosing)
        }
        migrator.registerMigration("v10-push") { db in
            try db.execute(sql: PushTables.schema)
        }
        migrator.registerMigration("v11-nightly") { db in
            try db.execute(sql: NightlyTables.schema)
        }
        migrator.registerMigration("v12-row-fingerprint") { db in
            // Each profile row's `FieldValue.fingerprint(of:)`, written by imports: the next
            // import skips an unchanged row by comparing it. NULL (rows written before) means
            // compare the fields. Anything else that changes profile values must set it NULL.
            for kind in DatasetKind.allCases {
                try db.execute(sql: "ALTER TABLE \(quote(kind.rawValue)) ADD COLUMN row_fingerprint INTEGER")
            }
        }
        migrator.registerMigration("v13-id-list-deltas") { db in
            // A run's population ids kept as the difference from a full list (`IDListStorage`).
            try db.execute(sql: "ALTER TABLE run_id_lists ADD COLUMN base_sha256 TEXT")
        }
        migrator.registerMigration("v14-raw-fingerprint") { db in
            // Each profile row's raw fingerprint: a hash of the record's bytes as the file wrote
            // them, seeded with what gives them their meaning (`RowProducer.rawSeed`), kept only
            // for rows that validated without warnings. A full extract skips a record whose key
            // and raw fingerprint match an active row, unvalidated. Anything else that changes
            // profile values must set it NULL (as row_fingerprint).
            for kind in DatasetKind.allCases {
                try db.execute(sql: "ALTER TABLE \(quote(kind.rawValue)) ADD COLUMN raw_fingerprint INTEGER")
            }
        }
        migrator.registerMigration("v15-review-segments") { db in
            // A run's new review items stored per policy (`ReviewSegment`), not a row each.
            try db.execute(sql: ReviewTables.segments)
        }
        migrator.registerMigration("v16-column-cache-generation-key") { db in
            // The generation joins the cache's key (see `ColumnCache.schema`). A cache is rebuilt
            // by the next read, so the table is made anew rather than copied.
            try db.execute(sql: "DROP TABLE column_cache")
            try db.execute(sql: ColumnCache.schema)
        }
        return migrator
    }

    /// Until `empty:` could be conditional, an empty 首次升规年份 was stored as 0 (从未升规) for
    /// every firm, 规上 ones included. A store written then keeps those zeros; this turns back to
    /// unknown each stated value that its condition no longer allows (规上 = 是 or unknown).
    /// Only values outside the field's bounds are touched: such a value cannot have been read
    /// from a cell, so it came from the old rule (0 is below first_above_scale_year's 1990).
    static func forgetUnconditionalEmptyValues(schemas: SchemaSet, in db: Database) throws {
        for kind in DatasetKind.allCases {
            let schema = schemas[kind]
            let columns = Set(try db.columns(in: kind.rawValue).map(\.name))
            for field in schema.fields {
                guard case .value(let value, _, let when?) = field.empty, columns.contains(field.name) else { continue }
                let other = schema.fields[when.field]
                guard columns.contains(other.name), let stored = Self.number(value),
                      stored < (field.minimum ?? .min) || stored > (field.maximum ?? .max),
                      let condition = FieldTypeParsing.literal(when.equals, type: other.type) else { continue }
                try db.execute(
                    sql: """
                        UPDATE \(quote(kind.rawValue)) SET \(quote(field.name)) = NULL
                        WHERE \(quote(field.name)) = ? AND (\(quote(other.name)) IS NULL OR \(quote(other.name)) <> ?)
                        """,
                    arguments: [ColumnMapping.databaseValue(value), ColumnMapping.databaseValue(condition)]
                )
            }
        }
    }

    private static func number(_ value: FieldValue) -> Int64? {
        switch value {
        case .integer(let i), .decimal(let i): i
        default: nil
        }
    }

    private static func quote(_ name: String) -> String { ColumnMapping.quote(name) }

    /// A table of row issues (quarantine, warnings): one row per issue, by import, file and line.
    static func rowIssueTable(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES imports(id),
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            field TEXT NOT NULL,
            reason_code TEXT NOT NULL,
            value TEXT NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX \(name)_by_import ON \(name)(import_id, file, line);
        """
    }

    static func createProfileTable(_ schema: Schema, in db: Database) throws {
        // The key is enforced by a separate unique index, not a PRIMARY KEY: a first import into
        // an empty table drops the indexes and rebuilds them once at the end, sorted (much
        // faster than a million random B-tree inserts).
        var columns = schema.fields.enumerated().map { i, field in
            ColumnMapping.quote(field.name) + " " + ColumnMapping.sqlType(field.type)
                + (i == schema.keyIndex ? " NOT NULL" : "")
        }
        columns += [
            "active INTEGER NOT NULL DEFAULT 1",
            "first_import_id INTEGER NOT NULL REFERENCES imports(id)",
            "last_import_id INTEGER NOT NULL REFERENCES imports(id)",
        ]
        let table = ColumnMapping.quote(schema.kind.rawValue)
        try db.execute(sql: "CREATE TABLE \(table) (\(columns.joined(separator: ", ")))")
        try db.execute(sql: """
            CREATE UNIQUE INDEX \(ColumnMapping.quote(schema.kind.rawValue + "_by_key")) \
            ON \(table)(\(ColumnMapping.quote(schema.key.name)))
            """)
    }

    /// Adds columns for fields a schema file gained since the table was created.
    static func addMissingColumns(schemas: SchemaSet, in db: Database) throws {
        for kind in DatasetKind.allCases {
            let schema = schemas[kind]
            let existing = Set(try db.columns(in: kind.rawValue).map(\.name))
            for field in schema.fields where !existing.contains(field.name) {
                try db.execute(sql: """
                    ALTER TABLE \(ColumnMapping.quote(kind.rawValue)) \
                    ADD COLUMN \(ColumnMapping.quote(field.name)) \(ColumnMapping.sqlType(field.type))
                    """)
            }
        }
    }
}
