internal import GRDB
internal import GRDBSQLite

/// Reads one column-cache entry (`column_cache.data`) through SQLite's incremental blob I/O,
/// straight into the array it returns. `sqlite3_column_blob` first gathers a blob that spans
/// overflow pages into a buffer of SQLite's own, which the caller then copied: each cached entry
/// a night's patch read was held twice for a moment (the keys' 72 MB at 4 M residents, the
/// night's peak at the time), and so was each entry a run loads (`ColumnCache.read`).
enum CacheEntryReader {
    /// The entry in row `rowid` of `column_cache`; nil when it cannot be read (a patch then stops,
    /// and the cache stays stale).
    static func bytes(rowid: Int64, _ db: Database) -> [UInt8]? {
        var handle: OpaquePointer?
        guard sqlite3_blob_open(db.sqliteConnection, "main", "column_cache", "data", rowid, 0, &handle) == SQLITE_OK,
              let blob = handle else {
            sqlite3_blob_close(handle)
            return nil
        }
        defer { sqlite3_blob_close(blob) }
        let size = Int(sqlite3_blob_bytes(blob))
        var read = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            read = size == 0 || sqlite3_blob_read(blob, buffer.baseAddress, Int32(size), 0) == SQLITE_OK
            count = read ? size : 0
        }
        return read ? bytes : nil
    }
}
