/// The tables of manual review (人工复核): one item per (policy, entity) that a run could not
/// decide, bound to the hash of the inputs the policy read, and its history (opened, decided,
/// reopened, inputs changed), which is only ever appended to.
enum ReviewTables {
    static let schema = """
        CREATE TABLE review_items (
            id INTEGER PRIMARY KEY,
            policy_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            inputs_sha256 TEXT NOT NULL,
            missing TEXT NOT NULL,
            needs_amount INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'decided')),
            outcome TEXT CHECK (outcome IN ('eligible', 'ineligible')),
            amount_fen INTEGER,
            reason TEXT,
            reviewer TEXT,
            decided_at TEXT,
            opened_run INTEGER NOT NULL,
            last_run INTEGER NOT NULL,
            opened_at TEXT NOT NULL,
            UNIQUE (policy_id, entity_id)
        );
        CREATE INDEX review_items_entity ON review_items (entity_id);
        CREATE TABLE review_events (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES review_items(id),
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            run_id INTEGER,
            operator TEXT,
            note TEXT,
            inputs_sha256 TEXT
        );
        CREATE INDEX review_events_item ON review_events (item_id);
        """

    /// The items a run opens, one row per policy and run (`ReviewSegment`): item ids
    /// `first_item ..< first_item + count`; entity ids (a text list, ascending), inputs hashes (32
    /// bytes each) and missing fields (coded texts) as `ColumnCacheCodec` blobs. An item that is
    /// decided or bound to new inputs becomes a `review_items` row with its id.
    static let segments = """
        CREATE TABLE review_segments (
            id INTEGER PRIMARY KEY,
            policy_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            first_item INTEGER NOT NULL UNIQUE,
            count INTEGER NOT NULL,
            entities BLOB NOT NULL,
            digests BLOB NOT NULL,
            missing BLOB NOT NULL,
            needs_amount INTEGER NOT NULL,
            opened_run INTEGER NOT NULL,
            opened_at TEXT NOT NULL
        );
        CREATE INDEX review_segments_policy ON review_segments (policy_id);
        """
}
