internal import Datasets
internal import Foundation
internal import GRDB

/// An application as `applications generate` offered it, kept so its status can come back.
public struct ApplicationOffer: Sendable {
    public var benefit: Benefit
    public var amountFen: Int64

    public init(benefit: Benefit, amountFen: Int64) {
        self.benefit = benefit
        self.amountFen = amountFen
    }
}

/// One status line from the 一体化政务服务平台.
public struct ApplicationStatusLine: Sendable {
    public var number: String
    /// 已确认, 已拒绝, 已受理 or 已办结.
    public var status: String
    public var time: String
    public var file: String
    public var line: Int

    public init(number: String, status: String, time: String, file: String, line: Int) {
        self.number = number
        self.status = status
        self.time = time
        self.file = file
        self.line = line
    }
}

extension ProfileStore {
    /// Keeps the offers just written (a number offered again keeps its latest amount and run).
    public func recordApplications(_ offers: [ApplicationOffer], runID: Int64?) throws {
        let now = Self.timestamp()
        try guarded("记录申请表") {
            try pool.write { db in
                let upsert = try db.makeStatement(sql: """
                    INSERT INTO applications (number, policy_id, policy_title, entity_id, period, period_label, payee_id, amount_fen,
                        run_id, generated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(number) DO UPDATE SET amount_fen = excluded.amount_fen, payee_id = excluded.payee_id,
                        run_id = excluded.run_id, generated_at = excluded.generated_at
                    """)
                for o in offers {
                    let b = o.benefit
                    try upsert.execute(arguments: [
                        b.number, b.policyID, b.policyTitle, b.entityID, b.period, b.periodLabel, b.payeeID, o.amountFen, runID, now,
                    ])
                }
            }
        }
    }

    /// Application numbers among `numbers` that no generation has offered.
    public func unknownApplicationNumbers(_ numbers: [String]) throws -> Set<String> {
        try guarded("读取申请表记录") {
            try pool.read { db in
                let find = try db.makeStatement(sql: "SELECT 1 FROM applications WHERE number = ?")
                var unknown: Set<String> = []
                for number in Set(numbers) where try Bool.fetchOne(find, arguments: [number]) != true { unknown.insert(number) }
                return unknown
            }
        }
    }

    /// The latest status of each application that has one (by time, then arrival).
    public func latestApplicationStatuses() throws -> [String: String] {
        try guarded("读取申请状态") {
            try pool.read { db in
                var out: [String: String] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT number, status FROM application_status ORDER BY number, time, id")
                while let row = try rows.next() { out[row[0]] = row[1] }
                return out
            }
        }
    }

    /// A number's status history, oldest first: (status, time).
    public func applicationHistory(_ number: String) throws -> [(status: String, time: String)] {
        try guarded("读取申请状态") {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT status, time FROM application_status WHERE number = ? ORDER BY time, id", arguments: [number])
                    .map { (status: $0[0], time: $0[1]) }
            }
        }
    }

    /// Records status lines (numbers must be known); a line already recorded (same number,
    /// status and time) is skipped. Returns how many were new, and the offers whose history
    /// now holds 已确认 and ends in 已办结 (to become grants).
    public func recordApplicationStatuses(_ lines: [ApplicationStatusLine]) throws -> (recorded: Int, completed: [ApplicationOffer]) {
        let now = Self.timestamp()
        return try guarded("写入申请状态") {
            try pool.write { db in
                let insert = try db.makeStatement(sql: """
                    INSERT OR IGNORE INTO application_status (number, status, time, file, line, imported_at) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                var recorded = 0
                for l in lines {
                    try insert.execute(arguments: [l.number, l.status, l.time, l.file, l.line, now])
                    recorded += db.changesCount
                }
                let history = try db.makeStatement(sql: "SELECT status FROM application_status WHERE number = ? ORDER BY time, id")
                let offer = try db.makeStatement(sql: "SELECT * FROM applications WHERE number = ?")
                var completed: [ApplicationOffer] = []
                for number in Set(lines.map(\.number)).sorted() {
                    let statuses = try String.fetchAll(history, arguments: [number])
                    guard statuses.last == "已办结", statuses.contains("已确认"),
                          let row = try Row.fetchOne(offer, arguments: [number]) else { continue }
                    completed.append(ApplicationOffer(benefit: Self.benefit(row), amountFen: row["amount_fen"]))
                }
                return (recorded, completed)
            }
        }
    }

    /// Names by id (身份证号 or 统一社会信用代码) of active or inactive residents and enterprises.
    public func names(of ids: [String]) throws -> [String: String] {
        try guarded("读取档案") {
            try pool.read { db in
                var statements: [Statement] = []
                for kind in [DatasetKind.residents, .enterprises] {
                    let schema = schemas[kind]
                    guard schema.index(of: "name") != nil else { continue }
                    statements.append(try db.makeStatement(sql: """
                        SELECT name FROM \(ColumnMapping.quote(kind.rawValue)) WHERE \(ColumnMapping.quote(schema.key.name)) = ?
                        """))
                }
                var out: [String: String] = [:]
                for id in Set(ids) {
                    for statement in statements {
                        if let name = try String.fetchOne(statement, arguments: [id]) {
                            out[id] = name
                            break
                        }
                    }
                }
                return out
            }
        }
    }
}
