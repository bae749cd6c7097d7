internal import Datasets
internal import GRDBSQLite

/// Binds typed values straight to a prepared SQLite statement. The import's hot loop runs
/// this once per cell, so it avoids GRDB's `StatementArguments` (an array and a key-path
/// map per row, 17 % of a 200,000-row import in `perf`) and any per-value allocation.
enum SQLiteBinding {
    /// SQLite copies the bytes during the call (SQLITE_TRANSIENT), so Swift storage may move after.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func bind(_ value: FieldValue, at index: Int32, to statement: OpaquePointer) {
        switch value {
        case .null:
            sqlite3_bind_null(statement, index)
        case .text(var text):
            text.withUTF8 { bytes in
                _ = sqlite3_bind_text(statement, index, bytes.baseAddress.map(UnsafeRawPointer.init)?
                    .assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
            }
        case .integer(let i), .decimal(let i):
            sqlite3_bind_int64(statement, index, i)
        case .bool(let b):
            sqlite3_bind_int64(statement, index, b ? 1 : 0)
        case .date(let day):
            // ISO YYYY-MM-DD written into ten stack bytes, no String.
            let (y, m, d) = day.components
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: 10) { buffer in
                func put(_ value: Int, _ at: Int, _ width: Int) {
                    var v = value
                    for k in stride(from: at + width - 1, through: at, by: -1) {
                        buffer[k] = CChar(0x30 + v % 10)
                        v /= 10
                    }
                }
                put(y, 0, 4)
                buffer[4] = 0x2D
                put(m, 5, 2)
                buffer[7] = 0x2D
                put(d, 8, 2)
                _ = sqlite3_bind_text(statement, index, buffer.baseAddress, 10, transient)
            }
        }
    }
}
