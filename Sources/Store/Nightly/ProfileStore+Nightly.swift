internal import Foundation
internal import GRDB

extension ProfileStore {
    /// The night's steps as recorded, in step order.
    public func nightlySteps(night: String) throws -> [NightlyStepRecord] {
        try guarded("读取夜间任务记录") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM nightly_steps WHERE night = ? ORDER BY position, id", arguments: [night])
                    .map(Self.nightlyStep)
            }
        }
    }

    /// Marks a step started (a new attempt if it was started before), noting what it saw; a
    /// restarted step keeps what its first attempt saw, so work a crashed attempt committed is still found.
    public func startNightlyStep(night: String, position: Int, step: String, before: String?) throws {
        let now = Self.preciseTimestamp()
        try guarded("写入夜间任务记录") {
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO nightly_steps (night, position, step, status, attempts, started_at, before)
                    VALUES (?, ?, ?, 'started', 1, ?, ?)
                    ON CONFLICT(night, step) DO UPDATE SET status = 'started', attempts = attempts + 1,
                        started_at = excluded.started_at, finished_at = NULL, before = COALESCE(nightly_steps.before, excluded.before),
                        produced = NULL, message = NULL, problem = NULL, position = excluded.position
                    """, arguments: [night, position, step, now, before])
            }
        }
    }

    /// Marks a started step done or failed, with what it produced and a sentence for people.
    public func finishNightlyStep(
        night: String, step: String, status: NightlyStepRecord.Status, produced: String?, message: String?, problem: Int32? = nil
    ) throws {
        let now = Self.preciseTimestamp()
        try guarded("写入夜间任务记录") {
            try pool.write { db in
                try db.execute(sql: """
                    UPDATE nightly_steps SET status = ?, finished_at = ?, produced = ?, message = ?, problem = ?
                    WHERE night = ? AND step = ?
                    """, arguments: [status.rawValue, now, produced, message, problem, night, step])
            }
        }
    }

    /// UTC with milliseconds: steps of a small night take less than a second.
    static func preciseTimestamp() -> String {
        var formatter = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        formatter.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return Date().formatted(formatter)
    }

    private static func nightlyStep(_ row: Row) -> NightlyStepRecord {
        NightlyStepRecord(
            night: row["night"], position: row["position"], step: row["step"],
            status: NightlyStepRecord.Status(rawValue: row["status"]) ?? .failed, attempts: row["attempts"],
            startedAt: row["started_at"], finishedAt: row["finished_at"], before: row["before"],
            produced: row["produced"], message: row["message"], problem: row["problem"]
        )
    }
}
