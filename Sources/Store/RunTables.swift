/// The tables of the run ledger (`mianshen run`). A run is written in one transaction, so a
/// failed or killed run leaves nothing. Per policy, the rows that are not ineligible are one
/// compact blob and the condition bitsets another (ineligible rows are what the rows blob leaves
/// out; why, the bitsets say); the ids of a population are kept once per distinct list.
enum RunTables {
    static let schema = """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            as_of TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            engine TEXT NOT NULL,
            include_drafts INTEGER NOT NULL,
            rules_sha256 TEXT NOT NULL,
            inputs TEXT NOT NULL,
            results_sha256 TEXT NOT NULL
        );
        CREATE TABLE run_id_lists (
            sha256 TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            ids BLOB NOT NULL
        );
        CREATE TABLE run_populations (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            subject TEXT NOT NULL,
            ids_sha256 TEXT NOT NULL REFERENCES run_id_lists(sha256),
            PRIMARY KEY (run_id, subject)
        );
        CREATE TABLE run_policies (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            policy_id TEXT NOT NULL,
            title TEXT NOT NULL,
            subject TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            metadata TEXT NOT NULL,
            eligible INTEGER NOT NULL,
            ineligible INTEGER NOT NULL,
            unknown INTEGER NOT NULL,
            excluded INTEGER NOT NULL,
            over_budget INTEGER NOT NULL,
            eligible_fen INTEGER NOT NULL,
            excluded_fen INTEGER NOT NULL,
            over_budget_fen INTEGER NOT NULL,
            rows BLOB NOT NULL,
            conditions BLOB NOT NULL,
            PRIMARY KEY (run_id, policy_id)
        );
        """
}
