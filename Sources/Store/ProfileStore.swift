public import Datasets
internal import Dispatch
internal import Foundation
internal import GRDB

/// The embedded store (SQLite through GRDB, in WAL mode): profiles (一人一档 / 一企一档),
/// licences, the import ledger, quarantine and change history. The only module that
/// imports GRDB; no GRDB type appears in its public API.
public final class ProfileStore: Sendable {
    public let path: String
    public let schemas: SchemaSet
    let pool: DatabasePool
    /// Writes the store finishes on its own (the column cache after a read from the tables);
    /// waited for before the store goes away.
    let background = DispatchGroup()

    public init(path: String, schemas: SchemaSet) throws {
        self.path = path
        self.schemas = schemas
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 16 KB pages instead of SQLite's 4 KB (takes effect only when the file is new and
            // empty; an existing store keeps its size): a quarter of the pages to split, link and
            // write. A first load of 1 M residents 3.67 → 3.45 s (mean of three, alternating;
            // the two index rebuilds 1.07 → 0.95 s in the sqlite3 shell), a night 1.80 → 1.68 s:
            // the night's 1 % of changed rows touch more bytes per page, but fewer pages.
            try db.execute(sql: "PRAGMA page_size = 16384")
            // Debian's SQLite is built with SECURE_DELETE on: every page freed was overwritten with
            // zeros, so first copied into the rollback journal and then written again. A night
            // replacing the 47 MB column cache journaled 136.7 MB for it (strace). FAST still
            // zeroes deleted content on pages written anyway, not whole free pages; the file is
            // its owner's alone and holds the same personal data in its live rows.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
        }
        try StoreFiles.createOwnerOnly(path)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator(schemas: schemas).migrate(pool)
            try pool.write { db in try Migrations.addMissingColumns(schemas: schemas, in: db) }
        } catch let error as DatabaseError {
            throw StoreError("无法打开数据库 \(path)：\(error.message ?? error.description)")
        }
    }

    deinit { background.wait() }

    /// Waits for the writes the store finishes on its own (before a process ends with `exit`,
    /// which runs no deinit).
    public func finishBackgroundWrites() { background.wait() }

    /// Runs `body` and turns GRDB's errors into `StoreError`s that name what failed.
    func guarded<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError("\(what)失败：\(error.message ?? error.description)")
        }
    }

    /// The ids of the applied migrations, newest last.
    public func schemaVersion() throws -> [String] {
        try guarded("读取数据库版本") {
            try pool.read { db in try Migrations.migrator(schemas: schemas).appliedIdentifiers(db).sorted() }
        }
    }

    static func timestamp(_ date: Date = Date()) -> String {
        var formatter = Date.ISO8601FormatStyle()
        formatter.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return date.formatted(formatter)
    }
}
