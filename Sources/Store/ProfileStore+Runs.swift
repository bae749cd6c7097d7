internal import Foundation
internal import GRDB

extension ProfileStore {
    /// Writes a whole run in one transaction and returns its id.
    public func saveRun(_ run: RunRecord) throws -> Int64 {
        try saveRun(run, reviewChanges: [], grants: nil).runID
    }

    /// Writes a run, the review items it opened or rebound, and the grants it posts, in ONE
    /// transaction: a run killed or failing at any moment leaves either all of them or nothing
    /// (never a run without its grants or items, which a later run would then post or open).
    /// `resultsSHA256`, when given, is asked for last (the hash may still be being computed while
    /// everything else is written) and replaces the record's.
    public func saveRun(
        _ run: RunRecord, reviewChanges: [ReviewChange], openings: [ReviewOpenings] = [], grants: GrantPostings?,
        resultsSHA256: (@Sendable () -> String)? = nil
    ) throws -> SavedRun {
        try guarded("保存运行结果") {
            try writeAlone { db in
                let id = try Self.insertRun(db, run)
                let reviews = try Self.applyReviewChanges(db, reviewChanges, openings: openings, run: id)
                let posted = try grants.map { try Self.post(db, $0, runID: id) }
                if let resultsSHA256 {
                    try db.execute(sql: "UPDATE runs SET results_sha256 = ? WHERE id = ?", arguments: [resultsSHA256(), id])
                }
                return SavedRun(runID: id, reviews: reviews, posted: posted)
            }
        }
    }

    static func insertRun(_ db: Database, _ run: RunRecord) throws -> Int64 {
        let inputs = String(decoding: (try? JSONEncoder().encode(run.inputs)) ?? Data("[]".utf8), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO runs (as_of, started_at, finished_at, engine, include_drafts, rules_sha256, inputs, results_sha256, reviewed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                run.asOf, run.startedAt, run.finishedAt, run.engine, run.includeDrafts, run.rulesSHA256, inputs,
                run.resultsSHA256, run.reviewed,
            ])
        let id = db.lastInsertedRowID
        for population in run.populations {
            // A list already kept (the same population as an earlier run) is not built again.
            let kept = try Bool.fetchOne(db, sql: "SELECT 1 FROM run_id_lists WHERE sha256 = ?", arguments: [population.sha256]) ?? false
            if !kept {
                let (ids, base) = try IDListStorage.encode(population.ids, subject: population.subject, joined: population.joinedIDs, db)
                try db.execute(
                    sql: "INSERT INTO run_id_lists (sha256, count, ids, base_sha256) VALUES (?, ?, ?, ?)",
                    arguments: [population.sha256, population.ids.count, ids, base]
                )
            }
            try db.execute(
                sql: "INSERT INTO run_populations (run_id, subject, ids_sha256) VALUES (?, ?, ?)",
                arguments: [id, population.subject, population.sha256]
            )
        }
        for p in run.policies {
            let c = p.counts, a = p.amountsFen
            try db.execute(sql: """
                INSERT INTO run_policies (run_id, policy_id, title, subject, sha256, metadata, eligible, ineligible, unknown,
                    excluded, over_budget, eligible_fen, excluded_fen, over_budget_fen, rows, conditions)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    id, p.policyID, p.title, p.subject, p.sha256, p.metadata, c["eligible"] ?? 0, c["ineligible"] ?? 0,
                    c["unknown"] ?? 0, c["excluded"] ?? 0, c["over_budget"] ?? 0, a["eligible"] ?? 0, a["excluded"] ?? 0,
                    a["over_budget"] ?? 0, Data(p.rows), Data(p.conditions),
                ])
        }
        return id
    }

    /// The ledger, oldest first, without the per-policy blobs or population ids.
    public func runs() throws -> [RunRecord] {
        try guarded("读取运行记录") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map { row in
                    var run = Self.run(row)
                    run.policies = try Self.policies(db, run: run.id, blobs: false)
                    return run
                }
            }
        }
    }

    /// The latest run that bound review items to every unknown (`reviewed`), without blobs.
    public func latestReviewedRun() throws -> RunRecord? {
        try guarded("读取运行记录") {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE reviewed = 1 ORDER BY id DESC LIMIT 1").map(Self.run)
            }
        }
    }

    public func latestRunID() throws -> Int64? {
        try guarded("读取运行记录") {
            try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM runs") }
        }
    }

    /// A whole run, blobs and population ids included; nil if there is no such run.
    public func loadRun(_ id: Int64) throws -> RunRecord? {
        try guarded("读取运行结果") {
            try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else { return nil }
                var run = Self.run(row)
                run.policies = try Self.policies(db, run: id, blobs: true)
                run.populations = try Row.fetchAll(db, sql: """
                    SELECT p.subject, p.ids_sha256, l.ids, l.base_sha256 FROM run_populations p
                    JOIN run_id_lists l ON l.sha256 = p.ids_sha256
                    WHERE p.run_id = ? ORDER BY p.subject
                    """, arguments: [id]).map { row in
                    let ids = try IDListStorage.decode(row["ids"] ?? Data(), base: row["base_sha256"], db)
                    return RunPopulation(subject: row["subject"], ids: ids, sha256: row["ids_sha256"])
                }
                return run
            }
        }
    }

    private static func run(_ row: Row) -> RunRecord {
        let inputsText: String = row["inputs"] ?? "[]"
        let inputs = (try? JSONDecoder().decode([RunInput].self, from: Data(inputsText.utf8))) ?? []
        var run = RunRecord(
            asOf: row["as_of"], startedAt: row["started_at"], finishedAt: row["finished_at"], engine: row["engine"],
            includeDrafts: row["include_drafts"], rulesSHA256: row["rules_sha256"], inputs: inputs,
            resultsSHA256: row["results_sha256"], populations: [], policies: []
        )
        run.id = row["id"]
        run.reviewed = row["reviewed"]
        return run
    }

    private static func policies(_ db: Database, run: Int64, blobs: Bool) throws -> [RunPolicy] {
        let columns = blobs ? "*" : "run_id, policy_id, title, subject, sha256, metadata, eligible, ineligible, unknown, excluded, "
            + "over_budget, eligible_fen, excluded_fen, over_budget_fen"
        return try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM run_policies WHERE run_id = ? ORDER BY policy_id", arguments: [run]
        ).map { row in
            var counts: [String: Int] = [:]
            for code in ["eligible", "ineligible", "unknown", "excluded", "over_budget"] { counts[code] = row[code] }
            var amounts: [String: Int64] = [:]
            for code in ["eligible", "excluded", "over_budget"] { amounts[code] = row[code + "_fen"] }
            let rows: Data = blobs ? (row["rows"] ?? Data()) : Data()
            let conditions: Data = blobs ? (row["conditions"] ?? Data()) : Data()
            return RunPolicy(
                policyID: row["policy_id"], title: row["title"], subject: row["subject"], sha256: row["sha256"],
                metadata: row["metadata"], counts: counts, amountsFen: amounts, rows: [UInt8](rows), conditions: [UInt8](conditions)
            )
        }
    }
}
