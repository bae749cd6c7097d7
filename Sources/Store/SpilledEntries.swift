internal import Datasets
internal import GRDB
internal import GRDBSQLite

/// Column-cache entries waiting in a spill file (`SpillFile`) to be saved in the import's
/// transaction: a first load's.
struct SpilledEntries: Sendable {
    let spill: SpillFile
    /// Each entry's bytes: its extents' bytes one after another.
    private(set) var entries: [(kind: DatasetKind, generation: Int64, name: String, bytes: [SpillFile.Extent])] = []

    init(spill: SpillFile) { self.spill = spill }

    /// An entry made in memory, written to the spill file now (dropped if the write fails: the
    /// file is then failed, and nothing is saved).
    mutating func append(_ entry: ColumnCache.Entry) {
        guard let extent = spill.write(entry.bytes) else { return }
        entries.append((entry.kind, entry.generation, entry.name, [extent]))
    }

    /// An entry already in the spill file, as `extents`.
    mutating func append(kind: DatasetKind, generation: Int64, name: String, extents: [SpillFile.Extent]) {
        entries.append((kind, generation, name, extents))
    }

    /// Bytes copied from the spill file into a blob at a time.
    static let piece = 1 << 20

    /// Saves the entries as `ColumnCache.save` would, each blob written in place a piece at a
    /// time (SQLite's incremental blob I/O), so that no entry is held whole: binding the keys'
    /// 18 MB entry at 1 M residents held it twice more (a copy, and SQLite's record). False when
    /// the spill file could not be read back: the caller then drops what was written.
    func save(_ db: Database) throws -> Bool {
        guard let first = entries.first, try ColumnCache.generation(of: first.kind, db) == first.generation else { return true }
        guard try write(CacheEntryWriter(db)) else { return false }
        try ColumnCache.dropOthers(kind: first.kind, generation: first.generation, db)
        return true
    }

    /// Writes the entries through `writer`, a piece at a time; false when the spill file could
    /// not be read back (the entries written so far are then incomplete).
    func write(_ writer: CacheEntryWriter) throws -> Bool {
        var piece: [UInt8] = []
        piece.reserveCapacity(Self.piece)
        for entry in entries {
            let size = entry.bytes.reduce(0) { $0 + $1.count }
            let complete = try writer.write(kind: entry.kind.rawValue, name: entry.name, generation: entry.generation, size: size) { put in
                for extent in entry.bytes {
                    var done = 0
                    while done < extent.count {
                        let count = min(Self.piece, extent.count - done)
                        piece.removeAll(keepingCapacity: true)
                        guard spill.read(SpillFile.Extent(offset: extent.offset + Int64(done), count: count), appendingTo: &piece) else {
                            return false
                        }
                        try piece.withUnsafeBytes { try put($0) }
                        done += count
                    }
                }
                return true
            }
            guard complete else { return false }
        }
        return true
    }
}
