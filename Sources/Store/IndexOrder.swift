internal import GRDB
internal import GRDBSQLite

/// Puts rows read in rowid order into the order of SQLite's `ORDER BY column, key` (BINARY
/// collation, NULLs first) by walking the column's index, which holds (column, rowid) and is
/// read without touching the table: one integer per row, no comparison of strings except
/// between rows whose column ties (a holder's licences), which are then ordered by key.
struct IndexOrder {
    let table: String
    let column: String

    /// The rows' order (positions into `rowids`), or nil when they already are in it.
    func permutation(rowids: [Int64], keys: [String], primary: [String?]?, _ db: Database) throws -> [Int32]? {
        guard let index = try indexName(db) else {
            throw StoreError("装载数据列失败：表 \(table) 缺少 \(column) 上的索引（数据库不完整，请重新导入）")
        }
        guard let low = rowids.min(), let high = rowids.max() else { return nil }
        // Rows are never deleted (retired rows stay, inactive): rowids are dense.
        let span = Int(high - low) + 1
        guard span <= 4 * rowids.count + 1024 else {
            throw StoreError("装载数据列失败：表 \(table) 的行号过于稀疏（\(span) / \(rowids.count)）")
        }
        var position = [Int32](repeating: -1, count: span)
        for (row, rowid) in rowids.enumerated() { position[Int(rowid - low)] = Int32(row) }
        var order: [Int32] = []
        order.reserveCapacity(rowids.count)
        let statement = try db.makeStatement(sql: """
            SELECT rowid FROM \(ColumnMapping.quote(table)) INDEXED BY \(ColumnMapping.quote(index)) \
            ORDER BY \(ColumnMapping.quote(column))
            """)
        let handle = statement.sqliteStatement
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw StoreError("装载数据列失败：\(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
            }
            let rowid = sqlite3_column_int64(handle, 0)
            guard rowid >= low, rowid <= high else { continue }
            let row = position[Int(rowid - low)]
            if row >= 0 { order.append(row) }
        }
        guard order.count == rowids.count else {
            throw StoreError("装载数据列失败：表 \(table) 的索引 \(index) 与表不一致")
        }
        if let primary { Self.orderTies(&order, primary: primary, keys: keys) }
        let identity = order.indices.allSatisfy { order[$0] == Int32($0) }
        return identity ? nil : order
    }

    /// Within each run of equal `primary`, the rows by key.
    static func orderTies(_ order: inout [Int32], primary: [String?], keys: [String]) {
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, primary[Int(order[end])] == primary[Int(order[start])] { end += 1 }
            if end - start > 1 {
                order[start..<end].sort { keys[Int($0)].utf8.lexicographicallyPrecedes(keys[Int($1)].utf8) }
            }
            start = end
        }
    }

    /// The first index whose first column is `column`.
    private func indexName(_ db: Database) throws -> String? {
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", arguments: [table]) {
            let first = try Row.fetchOne(db, sql: "SELECT name FROM pragma_index_info(?) WHERE seqno = 0", arguments: [name])
            if first?["name"] == column { return name }
        }
        return nil
    }
}
