internal import GRDB
internal import GRDBSQLite

/// Writes column-cache entries (`column_cache.data`) in place: the row is inserted with a blob of
/// zeros of the entry's size, and the bytes are written into it through SQLite's incremental blob
/// I/O. Bound whole, an entry was copied twice more (GRDB's `Data`, which SQLite copies again,
/// and the record SQLite builds from it): at 1 M residents the keys' 18 MB entry held 54 MB at
/// once. Used by a first load (pieces read back from its spill file) and by a night's stored rows.
struct CacheEntryWriter {
    private let insert: Statement
    private let insertBound: Statement
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        insert = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO column_cache (kind, name, generation, data) VALUES (?, ?, ?, zeroblob(?))
            """)
        insertBound = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO column_cache (kind, name, generation, data) VALUES (?, ?, ?, ?)
            """)
    }

    /// The entry `name` with these bytes bound as they are: for small entries (a stored-rows
    /// piece, 1 MB), which SQLite copies once more into its record. Through a zero blob, each
    /// page is written twice and read back in between, and a night's page cache, full of
    /// changed pages, sends the zeros to the file first (perf: the kernel's page copies in the
    /// writing thread while a 4 M-resident night wrote its 164 MB snapshot; the same bytes).
    func write(kind: String, name: String, generation: Int64, bound bytes: UnsafeRawBufferPointer) throws {
        let handle = insertBound.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        _ = kind.withCString { sqlite3_bind_text(handle, 1, $0, -1, SQLiteBinding.transient) }
        _ = name.withCString { sqlite3_bind_text(handle, 2, $0, -1, SQLiteBinding.transient) }
        sqlite3_bind_int64(handle, 3, generation)
        // SQLITE_STATIC (nil): the bytes stay put until the statement is reset.
        sqlite3_bind_blob(handle, 4, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), nil)
        guard sqlite3_step(handle) & 0xFF == SQLITE_DONE else { throw failure() }
    }

    /// Inserts (or replaces) the entry `name` of `size` bytes; `fill` writes its bytes, in order,
    /// through the function it is given, and returns false to give up (the entry then stays
    /// zeros: the caller drops the generation).
    func write(
        kind: String, name: String, generation: Int64, size: Int,
        fill: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool
    ) throws -> Bool {
        try insert.execute(arguments: [kind, name, generation, size])
        var handle: OpaquePointer?
        guard sqlite3_blob_open(db.sqliteConnection, "main", "column_cache", "data", db.lastInsertedRowID, 1, &handle) == SQLITE_OK,
              let blob = handle else {
            sqlite3_blob_close(handle)
            throw failure()
        }
        defer { sqlite3_blob_close(blob) }
        var written = 0
        return try fill { bytes in
            guard bytes.count > 0 else { return }
            guard written + bytes.count <= size,
                  sqlite3_blob_write(blob, bytes.baseAddress, Int32(bytes.count), Int32(written)) == SQLITE_OK else {
                throw failure()
            }
            written += bytes.count
        }
    }

    /// The entry `name` with these bytes.
    func write(kind: String, name: String, generation: Int64, bytes: [UInt8]) throws {
        _ = try write(kind: kind, name: name, generation: generation, size: bytes.count) { put in
            try bytes.withUnsafeBytes { try put($0) }
            return true
        }
    }

    private func failure() -> StoreError {
        StoreError("保存数据列缓存失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
    }
}
