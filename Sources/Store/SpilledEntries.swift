internal import Datasets
internal import GRDB
internal import GRDBSQLite

/// A first load's column-cache entries, waiting in its spill file (`SpillFile`) to be saved in
/// the import's transaction.
struct SpilledEntries: Sendable {
    let spill: SpillFile
    var entries: [(kind: DatasetKind, generation: Int64, name: String, bytes: SpillFile.Extent)] = []

    /// Bytes copied from the spill file into a blob at a time.
    static let piece = 1 << 20

    /// Saves the entries as `ColumnCache.save` would, each blob written in place a piece at a
    /// time (SQLite's incremental blob I/O), so that no entry is held whole: binding the keys'
    /// 18 MB entry at 1 M residents held it twice more (a copy, and SQLite's record). False when
    /// the spill file could not be read back: the caller then drops what was written.
    func save(_ db: Database) throws -> Bool {
        guard let first = entries.first, try ColumnCache.generation(of: first.kind, db) == first.generation else { return true }
        let insert = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO column_cache (kind, name, generation, data) VALUES (?, ?, ?, zeroblob(?))
            """)
        var piece: [UInt8] = []
        piece.reserveCapacity(Self.piece)
        for entry in entries {
            try insert.execute(arguments: [entry.kind.rawValue, entry.name, entry.generation, entry.bytes.count])
            var handle: OpaquePointer?
            guard sqlite3_blob_open(db.sqliteConnection, "main", "column_cache", "data", db.lastInsertedRowID, 1, &handle) == SQLITE_OK,
                  let blob = handle else {
                sqlite3_blob_close(handle)
                throw StoreError("保存数据列缓存失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
            }
            defer { sqlite3_blob_close(blob) }
            var done = 0
            while done < entry.bytes.count {
                let count = min(Self.piece, entry.bytes.count - done)
                piece.removeAll(keepingCapacity: true)
                guard spill.read(SpillFile.Extent(offset: entry.bytes.offset + Int64(done), count: count), appendingTo: &piece) else {
                    return false
                }
                guard sqlite3_blob_write(blob, piece, Int32(count), Int32(done)) == SQLITE_OK else {
                    throw StoreError("保存数据列缓存失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                }
                done += count
            }
        }
        try db.execute(
            sql: "DELETE FROM column_cache WHERE kind = ? AND generation <> ?", arguments: [first.kind.rawValue, first.generation]
        )
        return true
    }
}
