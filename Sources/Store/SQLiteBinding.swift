internal import Datasets
internal import GRDBSQLite

/// Binds typed values straight to a prepared SQLite statement. The import's hot loop runs
/// this once per cell, so it avoids GRDB's `StatementArguments` (an array and a key-path
/// map per row, 17 % of a 200,000-row import in `perf`) and any per-value allocation.
enum SQLiteBinding {
    /// Binds the row at `values[range]`, copying every text into `arena` and binding it there
    /// without a copy (SQLITE_STATIC). With SQLITE_TRANSIENT SQLite mallocs, copies and frees
    /// each text: about ten per resident row. The arena must stay untouched until the statement
    /// has been stepped and reset. Texts are read as bytes where the batch holds them: no
    /// `String`, no reference counted.
    static func bindRow(
        _ values: FlatValues, _ range: Range<Int>, to statement: OpaquePointer, from first: Int32 = 1,
        arena: inout TextArena
    ) {
        for i in range {
            let index = first + Int32(i - range.lowerBound)
            guard let (start, count) = values.withText(at: i, { arena.copy($0) }) else {
                bind(values[i], at: index, to: statement)
                continue
            }
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

/// Scratch memory for the texts of the rows bound to one statement (SQLITE_STATIC): bytes are
/// copied in and stay where they are until `reset()`, after the statement was stepped (a
/// grouped insert binds many rows before one step, so a full block is kept, not moved).
struct TextArena: ~Copyable {
    private var block: UnsafeMutableRawPointer
    private var capacity: Int
    private var used = 0
    /// Full blocks still bound, freed by `reset()`.
    private var retired: [UnsafeMutableRawPointer] = []

    init(capacity: Int = 64 * 1024) {
        self.capacity = max(capacity, 16)
        block = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    /// Copies `bytes` in; returns where they are and how many.
    mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> (UnsafeMutableRawPointer, Int) {
        if used + bytes.count > capacity {
            retired.append(block)
            capacity = max(bytes.count, capacity)
            block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            used = 0
        }
        let start = block + used
        if let source = bytes.baseAddress { start.copyMemory(from: source, byteCount: bytes.count) }
        used += bytes.count
        return (start, bytes.count)
    }

    /// Forgets every text: the statement they were bound to has been reset.
    mutating func reset() {
        used = 0
        for old in retired { old.deallocate() }
        retired.removeAll(keepingCapacity: true)
    }

    deinit {
        block.deallocate()
        for old in retired { old.deallocate() }
    }
}
