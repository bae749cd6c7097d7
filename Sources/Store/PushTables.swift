/// The push outbox (migration v10-push): what was told to whom (for cross-night dedup), the
/// night's digest messages with their items, each message's status history, and opt-outs.
/// A night's messages are written in one transaction before any is sent (transactional outbox).
enum PushTables {
    static let schema = """
        CREATE TABLE push_told (
            entity_id TEXT NOT NULL,
            policy_id TEXT NOT NULL,
            period TEXT NOT NULL,
            topic TEXT NOT NULL,
            amount_fen INTEGER,
            status TEXT NOT NULL,
            night TEXT NOT NULL,
            PRIMARY KEY (entity_id, policy_id, period, topic)
        );
        CREATE TABLE push_messages (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            night TEXT NOT NULL,
            payee_id TEXT NOT NULL,
            channel TEXT NOT NULL,
            address TEXT,
            body TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'delivered', 'failed', 'expired', 'offline')),
            attempts INTEGER NOT NULL DEFAULT 0,
            reason TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX push_messages_by_status ON push_messages(status, channel, id);
        CREATE TABLE push_message_items (
            message_id INTEGER NOT NULL REFERENCES push_messages(id),
            item_key TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            policy_id TEXT NOT NULL,
            period TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('新资格', '金额变化', '申请待确认', '证照到期')),
            amount_fen INTEGER,
            PRIMARY KEY (message_id, item_key)
        );
        CREATE TABLE push_history (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES push_messages(id),
            status TEXT NOT NULL,
            channel TEXT NOT NULL,
            time TEXT NOT NULL,
            note TEXT
        );
        CREATE INDEX push_history_by_message ON push_history(message_id, id);
        CREATE INDEX push_history_by_time ON push_history(channel, status, time);
        CREATE TABLE push_optouts (
            address TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            file TEXT NOT NULL,
            line INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        """
}
