/// The grants ledger (直接兑现 and completed 依申请 benefits) and the applications' round trip.
/// Append-only: a grant is keyed by (policy, entity, period); its money is a list of entries
/// (发放, then 补发 / 追回 as amounts change); payments and application statuses are histories.
enum GrantTables {
    static let schema = """
        CREATE TABLE grants (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            policy_id TEXT NOT NULL,
            policy_title TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            period TEXT NOT NULL,
            period_label TEXT NOT NULL,
            payee_id TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('直接兑现', '依申请')),
            application_number TEXT,
            run_id INTEGER,
            created_at TEXT NOT NULL,
            UNIQUE (policy_id, period, entity_id)
        );
        CREATE TABLE grant_entries (
            id INTEGER PRIMARY KEY,
            grant_id INTEGER NOT NULL REFERENCES grants(id),
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('发放', '补发', '追回')),
            amount_fen INTEGER NOT NULL,
            run_id INTEGER,
            created_at TEXT NOT NULL,
            UNIQUE (grant_id, seq)
        );
        CREATE TABLE grant_payments (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES grant_entries(id),
            status TEXT NOT NULL CHECK (status IN ('paid', 'failed')),
            time TEXT,
            note TEXT,
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE INDEX grant_payments_by_entry ON grant_payments(entry_id);
        CREATE TABLE grant_flags (
            id INTEGER PRIMARY KEY,
            grant_id INTEGER NOT NULL REFERENCES grants(id),
            run_id INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
        );
        CREATE INDEX grant_flags_by_grant ON grant_flags(grant_id, status);
        """

    /// How a review flag was closed — by a person (`closed_by`, `reason`) or by a later run that
    /// found the holder eligible again (`resolved_run_id`) — and which runs posted which (policy,
    /// period), so that an older run is never posted over a newer one.
    static let flagClosing = """
        ALTER TABLE grant_flags ADD COLUMN closed_at TEXT;
        ALTER TABLE grant_flags ADD COLUMN closed_by TEXT;
        ALTER TABLE grant_flags ADD COLUMN reason TEXT;
        ALTER TABLE grant_flags ADD COLUMN resolved_run_id INTEGER;
        CREATE TABLE grant_posts (
            policy_id TEXT NOT NULL,
            period TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            posted_at TEXT NOT NULL,
            PRIMARY KEY (policy_id, period, run_id)
        );
        """

    /// Every application written by `applications generate` (the latest offer per number), and
    /// the statuses the 一体化政务服务平台 sent back for it.
    static let applicationSchema = """
        CREATE TABLE applications (
            number TEXT PRIMARY KEY,
            policy_id TEXT NOT NULL,
            policy_title TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            period TEXT NOT NULL,
            period_label TEXT NOT NULL,
            payee_id TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            run_id INTEGER,
            generated_at TEXT NOT NULL
        );
        CREATE TABLE application_status (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL REFERENCES applications(number),
            status TEXT NOT NULL CHECK (status IN ('已确认', '已拒绝', '已受理', '已办结')),
            time TEXT NOT NULL,
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            imported_at TEXT NOT NULL,
            UNIQUE (number, status, time)
        );
        """
}
