/// An item sorted through the spill file (`SpilledRuns`): a plain struct written as its bytes,
/// ordered by `less` with whatever the order needs besides the items (`Context`).
protocol SpilledItem: BitwiseCopyable, Sendable {
    associatedtype Context
    static func less(_ a: Self, _ b: Self, _ context: Context) -> Bool
}

/// Items too many to hold, sorted the way an external sort does: written to the spill file a
/// run at a time as they come, each run sorted, then merged (`merge`). What is held is one run
/// being filled and, while merging, a block of each run: a first load's keys (`KeyRuns`) and its
/// households (`SortedHouseholds`) are ordered in memory that does not grow with the table.
struct SpilledRuns<Item: SpilledItem>: Sendable {
    private var pending: [Item] = []
    private var runs: [(extent: SpillFile.Extent, count: Int)] = []
    /// Whether runs are sorted as they are written (else once, by `sortRuns`).
    private let sortedAsWritten: Bool
    private let runLength: Int
    private(set) var count = 0

    init(runLength: Int = SpillFile.chunkRows, sortedAsWritten: Bool) {
        self.runLength = runLength
        self.sortedAsWritten = sortedAsWritten
    }

    mutating func append(_ item: Item, _ spill: SpillFile, _ context: Context) {
        if pending.isEmpty { pending.reserveCapacity(runLength) }
        pending.append(item)
        count += 1
        if pending.count == runLength { flush(spill, context) }
    }

    typealias Context = Item.Context

    /// Writes the pending items as a run. Dropped if the write fails: the spill file is then
    /// failed, and so is the merge.
    private mutating func flush(_ spill: SpillFile, _ context: Context) {
        guard !pending.isEmpty else { return }
        if sortedAsWritten { pending.sort { Item.less($0, $1, context) } }
        if let extent = spill.write(pending) { runs.append((extent, pending.count)) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Each run not sorted as written read back, sorted and written again in its place (written
    /// after the unsorted ones, a first load's key runs had dirtied another 32 MB of the page
    /// cache at 1 M residents).
    private mutating func sortRuns(_ spill: SpillFile, _ context: Context, _ sorted: (Int, [Item]) -> Void) {
        for (index, run) in runs.enumerated() {
            guard var items = spill.items(run.extent, as: Item.self) else { return }
            items.sort { Item.less($0, $1, context) }
            guard items.withUnsafeBytes({ spill.overwrite(run.extent, with: $0) }) else { return }
            sorted(index, items)
        }
    }

    /// After the last item: every item in order. The runs are left to the merge. Runs not
    /// sorted as written are handed to `sorted` once sorted (their index, their items), for
    /// what is kept beside them in the same order.
    mutating func merge(
        _ spill: SpillFile, _ context: Context, sorted: (Int, [Item]) -> Void = { _, _ in }
    ) -> SpilledMerge<Item> {
        let sortedAsWritten = sortedAsWritten
        flush(spill, context)
        if !sortedAsWritten { sortRuns(spill, context, sorted) }
        pending = []
        return SpilledMerge(runs: runs, spill: spill, context: context)
    }
}

/// Sorted runs' items in order: each run read back `block` items at a time, the smallest head
/// taken from a binary heap of (head, run). Every call is on the heap's own arrays, with no copy
/// of the merge (a merge whose methods read heads through it was copied, with all its arrays
/// retained, at every comparison: 1.2 s for a million keys).
struct SpilledMerge<Item: SpilledItem> {
    private struct Head {
        var item: Item
        var run: Int
    }

    /// Items of a run read back at a time: 512, fewer when there are so many runs that their
    /// blocks would hold more than 2 MB (at 4 M residents the keys' 244 runs read 268 items at a
    /// time; blocks of 512 would have held 4 MB, and 16 MB at 16 M).
    private let block: Int

    private let runs: [(extent: SpillFile.Extent, count: Int)]
    private let spill: SpillFile
    private let context: Item.Context
    private var blocks: [[Item]]
    private var position: [Int]
    private var read: [Int]
    private var heap: [Head] = []
    private var taken: [Int]
    /// A run could not be read back: the items stop early.
    private(set) var failed = false
    /// The run the last item came from, and its place in that run.
    private(set) var lastRun = 0
    private(set) var lastIndex = 0

    init(runs: [(extent: SpillFile.Extent, count: Int)], spill: SpillFile, context: Item.Context) {
        self.runs = runs
        self.spill = spill
        self.context = context
        block = Self.block(runs: runs.count, stride: MemoryLayout<Item>.stride)
        blocks = Array(repeating: [], count: runs.count)
        position = Array(repeating: 0, count: runs.count)
        read = Array(repeating: 0, count: runs.count)
        taken = Array(repeating: 0, count: runs.count)
        heap.reserveCapacity(runs.count)
        for run in runs.indices {
            guard let item = take(run) else { continue }
            heap.append(Head(item: item, run: run))
            var child = heap.count - 1
            while child > 0, Item.less(heap[child].item, heap[(child - 1) / 2].item, context) {
                heap.swapAt(child, (child - 1) / 2)
                child = (child - 1) / 2
            }
        }
    }

    /// Run `run`'s next item, its next block read back when the last is used up; nil when it has
    /// no more (or the read failed).
    private mutating func take(_ run: Int) -> Item? {
        if position[run] == blocks[run].count {
            let count = min(block, runs[run].count - read[run])
            guard count > 0 else { return nil }
            let stride = MemoryLayout<Item>.stride
            let extent = SpillFile.Extent(offset: runs[run].extent.offset + Int64(read[run] * stride), count: count * stride)
            guard let items = spill.items(extent, as: Item.self) else {
                failed = true
                return nil
            }
            blocks[run] = items
            position[run] = 0
            read[run] += count
        }
        defer { position[run] += 1 }
        return blocks[run][position[run]]
    }

    /// Items read back at a time from each of `runs` runs of items `stride` bytes long.
    static func block(runs: Int, stride: Int) -> Int {
        max(16, min(512, (2 << 20) / max(1, runs * stride)))
    }

    mutating func next() -> Item? {
        guard let top = heap.first else { return nil }
        lastRun = top.run
        lastIndex = taken[top.run]
        taken[top.run] += 1
        if let item = take(top.run) {
            heap[0].item = item
        } else {
            let last = heap.removeLast()
            guard !heap.isEmpty else { return top.item }
            heap[0] = last
        }
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < count, Item.less(heap[left].item, heap[smallest].item, context) { smallest = left }
            if right < count, Item.less(heap[right].item, heap[smallest].item, context) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top.item
    }
}

/// Integers written to the spill file as they come and read back in the same order, a block at
/// a time: a first load's key order (each position's row), read once per field.
struct SpilledIntegers: Sendable {
    private var pending: [Int32] = []
    private(set) var extents: [SpillFile.Extent] = []
    private(set) var count = 0
    private static var block: Int { SpillFile.chunkRows }

    mutating func append(_ value: Int32, _ spill: SpillFile) {
        if pending.isEmpty { pending.reserveCapacity(Self.block) }
        pending.append(value)
        count += 1
        if pending.count == Self.block { flush(spill) }
    }

    /// Writes what is pending (after the last value). Dropped if the write fails: the spill file
    /// is then failed, and so is every read.
    mutating func flush(_ spill: SpillFile) {
        guard !pending.isEmpty else { return }
        if let extent = spill.write(pending) { extents.append(extent) }
        pending = []
    }

    /// Every value in order, a block at a time (`body(first index, values)`); false if the spill
    /// file failed.
    func forEachBlock(_ spill: SpillFile, _ body: (Int, [Int32]) -> Void) -> Bool {
        var start = 0
        var values: [Int32] = []
        for extent in extents {
            values.removeAll(keepingCapacity: true)
            guard spill.read(extent, appendingTo: &values) else { return false }
            body(start, values)
            start += values.count
        }
        return start == count && !spill.failed
    }
}
