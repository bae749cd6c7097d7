internal import Datasets
internal import GRDBSQLite

/// Binds typed values straight to a prepared SQLite statement. The import's hot loop runs
/// this once per cell, so it avoids GRDB's `StatementArguments` (an array and a key-path
/// map per row, 17 % of a 200,000-row import in `perf`) and any per-value allocation.
enum SQLiteBinding {
    /// Binds one row's values, copying every text into `arena` and binding it there without
    /// a copy (SQLITE_STATIC). With SQLITE_TRANSIENT SQLite mallocs, copies and frees each
    /// text: about ten per resident row. The arena must stay untouched until the statement
    /// has been stepped and reset.
    static func bindRow(_ values: ArraySlice<FieldValue>, to statement: OpaquePointer, arena: inout TextArena) {
        var needed = 0
        for value in values {
            if case .text(let text) = value { needed += text.utf8.count }
        }
        arena.reserve(needed)
        var offset = 0
        let base = values.startIndex
        for i in values.indices {
            let index = Int32(i - base + 1)
            guard case .text(var text) = values[i] else {
                bind(values[i], at: index, to: statement)
                continue
            }
            let start = arena.pointer + offset
            let count = text.withUTF8 { bytes in
                if let source = bytes.baseAddress { start.copyMemory(from: source, byteCount: bytes.count) }
                return bytes.count
            }
            offset += count
            _ = sqlite3_bind_text(
                statement, index, start.assumingMemoryBound(to: CChar.self), Int32(count), nil  // nil is SQLITE_STATIC: SQLite keeps the pointer
            )
        }
    }

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

/// Scratch memory for one row's texts, bound with SQLITE_STATIC; grows, never shrinks.
struct TextArena: ~Copyable {
    private(set) var pointer: UnsafeMutableRawPointer
    private var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    /// Makes room for `count` bytes; invalidates earlier contents when it grows.
    mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = max(count, capacity * 2)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit {
        pointer.deallocate()
    }
}
