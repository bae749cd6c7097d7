/// Items bound for positions `0..<count` that come in another order, put in position order
/// through the spill file without sorting: each goes to the bucket of `span` positions its
/// position falls in (a few hundred items held per bucket, then written), and each bucket is
/// read back in turn and its items placed by position (`forEachBucket`). A first load's columns
/// are permuted from file order into key order this way, and its households' rows and numbers:
/// read at random from a whole column in memory (4 bytes a row for an amount: 16 MB at 4 M
/// residents), or sorted, the permutation was what grew with the table.
struct PositionBuckets<Item: BitwiseCopyable> {
    /// Positions per bucket: what is placed at a time (a few hundred kB of its items and their
    /// block).
    #if DEBUG
    static var span: Int { 1 << 9 }  // tests cross bucket boundaries with small files
    #else
    static var span: Int { 1 << 16 }
    #endif
    /// Items held per bucket before they are written.
    private static var held: Int { 256 }

    let count: Int
    private var pending: [[Item]]
    private var extents: [[SpillFile.Extent]]

    init(count: Int) {
        self.count = count
        let buckets = (count + Self.span - 1) / Self.span
        pending = Array(repeating: [], count: buckets)
        extents = Array(repeating: [], count: buckets)
    }

    /// `item`, for `position` (in `0..<count`).
    mutating func append(_ item: Item, at position: Int, _ spill: SpillFile) {
        let bucket = position / Self.span
        pending[bucket].append(item)
        if pending[bucket].count == Self.held { flush(bucket, spill) }
    }

    /// Dropped if the write fails: the spill file is then failed, and so is `forEachBucket`.
    private mutating func flush(_ bucket: Int, _ spill: SpillFile) {
        guard !pending[bucket].isEmpty else { return }
        if let extent = spill.write(pending[bucket]) { extents[bucket].append(extent) }
        pending[bucket].removeAll(keepingCapacity: true)
    }

    /// Each bucket's items in turn, in the order they came (`body(first position, positions in
    /// it, items)`); false if the spill file failed. Consumes the buckets.
    mutating func forEachBucket(_ spill: SpillFile, _ body: (Int, Int, [Item]) -> Void) -> Bool {
        var items: [Item] = []
        for bucket in pending.indices {
            items.removeAll(keepingCapacity: true)
            for extent in extents[bucket] {
                guard let read = spill.items(extent, as: Item.self) else { return false }
                items += read
            }
            items.append(contentsOf: pending[bucket])
            pending[bucket] = []
            extents[bucket] = []
            let first = bucket * Self.span
            body(first, min(Self.span, count - first), items)
        }
        return !spill.failed
    }
}

/// Each row's position in key order, in row order: the inverse of a first load's key order (each
/// position's row), made once through `PositionBuckets` and read a block at a time beside a
/// column's chunks (`SpilledIntegers` blocks and column chunks are both `SpillFile.chunkRows`).
enum RowPositions {
    private struct Placed {
        var row: Int32
        var position: Int32
    }

    /// Nil if the spill file failed.
    static func of(_ order: SpilledIntegers, _ spill: SpillFile) -> SpilledIntegers? {
        var buckets = PositionBuckets<Placed>(count: order.count)
        let read = order.forEachBlock(spill) { start, rows in
            for (i, row) in rows.enumerated() {
                buckets.append(Placed(row: row, position: Int32(start + i)), at: Int(row), spill)
            }
        }
        guard read else { return nil }
        var positions = SpilledIntegers()
        var block = [Int32](repeating: -1, count: PositionBuckets<Placed>.span)
        var complete = true
        let placed = buckets.forEachBucket(spill) { first, span, items in
            for item in items { block[Int(item.row) - first] = item.position }
            for i in 0..<span {
                if block[i] < 0 { complete = false }
                positions.append(block[i], spill)
                block[i] = -1
            }
        }
        positions.flush(spill)
        return placed && complete ? positions : nil
    }
}
