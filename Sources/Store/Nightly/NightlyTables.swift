/// The nightly ledger (migration v11-nightly): one row per (night, step), rewritten as the step
/// goes from started to done or failed. `before` holds what the step saw when it started (the
/// latest run id, say) so a step committed but not marked done is recognised on resume.
enum NightlyTables {
    static let schema = """
        CREATE TABLE nightly_steps (
            id INTEGER PRIMARY KEY,
            night TEXT NOT NULL,
            position INTEGER NOT NULL,
            step TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('started', 'done', 'failed')),
            attempts INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            before TEXT,
            produced TEXT,
            message TEXT,
            -- The exit code of a problem the step finished with (69: some messages failed), or NULL.
            problem INTEGER,
            UNIQUE (night, step)
        );
        """
}
