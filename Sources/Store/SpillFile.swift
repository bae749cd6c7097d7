internal import Foundation
internal import GRDB
internal import GRDBSQLite
#if canImport(Glibc)
internal import Glibc
#endif

/// An unnamed temporary file beside the store that a first load's engine columns are written to
/// as they are collected and read back once, one column at a time, when they are ordered and
/// encoded (`FirstLoadColumns`); its keys wait there as runs (`KeyRuns`, the 户号 beside them),
/// the households' runs and buckets while they are grouped (`SortedHouseholds`), the key order,
/// large columns' buckets (`PositionBuckets`), and the encoded cache entries until the import
/// saves them. What waits in it is in the page cache, which the kernel may write out and
/// reclaim, not in the importing process's memory: at 1 M residents, about 20 MB of collected
/// cells (each chunk as narrow as its values' range, `NarrowChunk`: 120 MB at 64 bits each),
/// 32 MB of key runs (sorted in place) and 46 MB of entries; 147 MB in all at its largest, 783 MB
/// at 4 M residents (whose wider columns go through buckets, 12 bytes a cell). It is unlinked as
/// soon as it is made, so it disappears with the process, even one killed.
///
/// Written by one thread, then handed over (with the columns) to the one that reads it. A write
/// or read that fails marks it failed: the columns are then not saved (the cache is best effort:
/// the next run reads the tables) and the import goes on.
final class SpillFile: @unchecked Sendable {
    /// Rows per chunk of a column: a multiple of 64, so that chunks' validity words line up.
    #if DEBUG
    static let chunkRows = 1 << 10  // tests cross chunk boundaries with small files
    #else
    static let chunkRows = 1 << 14
    #endif

    /// Where something was written: its byte range in the file.
    struct Extent: Sendable {
        var offset: Int64
        var count: Int
    }

    private let descriptor: Int32
    /// Where it was made (another can be made beside it).
    let directory: String
    private var end: Int64 = 0
    private(set) var failed = false

    /// A new file in `directory` (nil: it cannot be made, and the columns are not collected).
    init?(directory: String) {
        var template = Array((directory + "/.mianshen-columns-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else { return nil }
        _ = template.withUnsafeBufferPointer { $0.baseAddress.map { unlink($0) } }
        self.descriptor = descriptor
        self.directory = directory
    }

    deinit { close(descriptor) }

    /// The directory of the store's database file, where a spill file goes ("." for a store
    /// without a file); nil when SQLite names no file at all.
    static func directory(of db: Database) -> String? {
        sqlite3_db_filename(db.sqliteConnection, "main").map { name in
            let parent = (String(cString: name) as NSString).deletingLastPathComponent
            return parent.isEmpty ? "." : parent
        }
    }

    /// Appends the elements' bytes (integers, or runs of plain structs: `SpilledRuns`,
    /// `PositionBuckets`); nil once the file has failed.
    func write<Element: BitwiseCopyable>(_ elements: [Element]) -> Extent? {
        elements.withUnsafeBytes { write(bytes: $0) }
    }

    /// Appends raw bytes (a run of plain structs, `KeyRuns`); nil once the file has failed.
    func write(bytes: UnsafeRawBufferPointer) -> Extent? {
        guard !failed else { return nil }
        let extent = Extent(offset: end, count: bytes.count)
        guard put(bytes, at: extent.offset) else { return nil }
        end += Int64(extent.count)
        return extent
    }

    /// Writes `bytes` over what was written at `extent` (as many bytes); false once the file has
    /// failed.
    func overwrite(_ extent: Extent, with bytes: UnsafeRawBufferPointer) -> Bool {
        guard !failed, bytes.count == extent.count else { return false }
        return put(bytes, at: extent.offset)
    }

    /// Reserves `count` bytes at the end, to be written at any offset within it, by any thread
    /// (`write(bytes:at:)`): a stored-rows table's slots, scanned in two halves at once.
    func reserve(_ count: Int) -> Extent {
        let extent = Extent(offset: end, count: count)
        end += Int64(count)
        return extent
    }

    /// Writes `bytes` at `offset` of a reserved extent; false if it could not (the file is not
    /// marked failed: threads may write at once, and each caller fails on its own).
    func write(bytes: UnsafeRawBufferPointer, at offset: Int64) -> Bool {
        transfer(bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }, bytes.count, at: offset) { pwrite($0, $1, $2, $3) }
    }

    /// Reads `buffer.count` bytes at `offset`; false if they cannot be read. Threads may read at
    /// once (nothing is marked: each caller fails on its own).
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        transfer(buffer.baseAddress, buffer.count, at: offset) { pread($0, $1, $2, $3) }
    }

    /// `bytes` written at `offset`; a failure marks the file failed.
    private func put(_ bytes: UnsafeRawBufferPointer, at offset: Int64) -> Bool {
        let ok = write(bytes: bytes, at: offset)
        if !ok { failed = true }
        return ok
    }

    /// Reads what was written at `extent` into `buffer`, which holds exactly its bytes; false if
    /// it cannot be read back.
    func read(_ extent: Extent, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard !failed, buffer.count == extent.count else { return false }
        let ok = read(at: extent.offset, into: buffer)
        if !ok { failed = true }
        return ok
    }

    /// What was written at `extent` read back as `Item`s (plain structs written by `write`); nil if
    /// it cannot be read back.
    func items<Item: BitwiseCopyable>(_ extent: Extent, as _: Item.Type = Item.self) -> [Item]? {
        let stride = MemoryLayout<Item>.stride
        guard extent.count % stride == 0 else { return nil }
        let count = extent.count / stride
        var ok = false
        let items = [Item](unsafeUninitializedCapacity: count) { buffer, initialized in
            ok = read(extent, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = ok ? count : 0
        }
        return ok ? items : nil
    }

    /// Appends what was written at `extent` to `elements`; false if it cannot be read back.
    func read<Element: FixedWidthInteger>(_ extent: Extent, appendingTo elements: inout [Element]) -> Bool {
        let stride = MemoryLayout<Element>.stride
        guard !failed, extent.count % stride == 0 else { return false }
        let start = elements.count
        elements.append(contentsOf: repeatElement(0, count: extent.count / stride))
        return elements.withUnsafeMutableBytes { all in
            read(extent, into: UnsafeMutableRawBufferPointer(rebasing: all[(start * stride)...]))
        }
    }

    /// `count` bytes between memory at `base` and the file at `offset`, by `call` (pread or
    /// pwrite), however many calls it takes.
    private func transfer(
        _ base: UnsafeMutableRawPointer?, _ count: Int, at offset: Int64,
        _ call: (Int32, UnsafeMutableRawPointer, Int, off_t) -> Int
    ) -> Bool {
        guard count > 0 else { return true }
        guard let base else { return false }
        var done = 0
        while done < count {
            let moved = call(descriptor, base + done, count - done, off_t(offset) + off_t(done))
            if moved < 0, errno == EINTR { continue }
            guard moved > 0 else { return false }
            done += moved
        }
        return true
    }
}
