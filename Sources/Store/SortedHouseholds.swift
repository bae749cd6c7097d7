/// A first load's households, grouped by sorting through the spill file rather than hashing in
/// memory: the household index's cache entries exactly as `HouseholdIndex` of the rows in key
/// order gives them (tested byte for byte), with nothing held per row or per household but bits.
///
/// The rows come in key order (`add`, as `KeyRuns` merges them), each with its packed 户号
/// (`PackedKey`). Those with one are sorted by (户号, position): each group is a household, its
/// first position is where it first appears in key order, so the households' numbers (order of
/// first appearance) are the ranks of those first positions among all, counted from a bitmap.
/// Each row's first position is sorted back into position order for `:household_of`; each
/// household (first position, head, 户号) into first-position order — number order — for
/// `:household_ids` and `:household_heads`; the first positions in 户号 order are
/// `:household_order`. A row without 户号 is a household of its own.
///
/// Grouping with a hash table (`PackedHouseholds`) held each row's household and each household's
/// 户号 and slot: a 4 M-resident first load's peak, 116 MiB, against 69 while its rows were read.
struct SortedHouseholds {
    /// A row with a 户号: it and its position.
    private struct Member: SpilledItem {
        var household: PackedKey
        var position: Int32

        static func less(_ a: Member, _ b: Member, _: Void) -> Bool {
            a.household != b.household ? a.household < b.household : a.position < b.position
        }
    }

    /// A row with a 户号 and its household's first position.
    private struct Placed {
        var position: Int32
        var first: Int32
    }

    /// A household: its first position, its head's position and its 户号, if it has one.
    private struct Household {
        var household: PackedKey
        var first: Int32
        var head: Int32
    }

    private var members = SpilledRuns<Member>(sortedAsWritten: true)
    /// The positions whose row has no 户号.
    private var without: [UInt64] = []
    private var count = 0
    /// The 户号' layout as a text list (`TextListLayout`), and their bytes.
    private var width = TextListLayout.Width()
    private var textBytes = 0

    /// The row at the next position: its packed 户号, if any.
    mutating func add(_ household: PackedKey?, _ spill: SpillFile) {
        if count & 63 == 0 { without.append(0) }
        if let household {
            members.append(Member(household: household, position: Int32(count)), spill, ())
            let length = household.length
            width.add(length)
            textBytes += length
        } else {
            without[count >> 6] |= 1 << UInt64(count & 63)
            width.add(nil)
        }
        count += 1
    }

    /// The four entries, in `HouseholdIndex.cacheTexts + cacheIntegers` order, each as extents of
    /// `spill` handed to `emit`. `isHead`: whether the row at each position is a 户主 (bits).
    /// False when the spill file failed.
    mutating func entries(isHead: [UInt64], _ spill: SpillFile, emit: (String, [SpillFile.Extent]) -> Void) -> Bool {
        // The households with a 户号, grouped: each row's first position goes to its position, each
        // household to its first position (`PositionBuckets`), its first position to `byKey`.
        var firsts = without
        var placed = PositionBuckets<Placed>(count: count)
        var households = PositionBuckets<Household>(count: count)
        var byKey = SpilledIntegers()
        // A household without 户号 stands for itself.
        var lowestHead = Int32.max, highestHead = Int32.min
        Self.forEachSetBit(without) { position in
            lowestHead = min(lowestHead, position)
            highestHead = max(highestHead, position)
        }
        // Each household's head: its first 户主, else its first member.
        func close(_ household: Household) {
            var household = household
            if household.head < 0 { household.head = household.first }
            households.append(household, at: Int(household.first), spill)
            lowestHead = min(lowestHead, household.head)
            highestHead = max(highestHead, household.head)
        }
        var merge = members.merge(spill, ())
        members = SpilledRuns(sortedAsWritten: true)
        var open = Household(household: PackedKey(high: 0, low: 0), first: -1, head: -1)
        while let member = merge.next() {
            let position = member.position
            if open.first < 0 || open.household != member.household {
                if open.first >= 0 { close(open) }
                open = Household(household: member.household, first: position, head: -1)
                firsts[Int(position) >> 6] |= 1 << UInt64(position & 63)
                byKey.append(position, spill)
            }
            if open.head < 0, isHead[Int(position) >> 6] & (1 << UInt64(position & 63)) != 0 { open.head = position }
            placed.append(Placed(position: position, first: open.first), at: Int(position), spill)
        }
        if open.first >= 0 { close(open) }
        byKey.flush(spill)
        guard !merge.failed else { return false }
        let ranks = Ranks(firsts)
        let total = ranks.total
        func has(_ bits: [UInt64], _ p: Int) -> Bool { bits[p >> 6] & (1 << UInt64(p & 63)) != 0 }

        // The households in number order (by first position): their 户号 and heads.
        var ids = TextEntryWriter(spill: spill, fixed: width.fixed, count: total, textBytes: textBytes)
        var heads = IntegerEntryWriter(
            spill: spill, count: total, kind: 0, validity: .present, base: Int64(lowestHead), top: Int64(highestHead), hasDictionary: false
        )
        var keys = [PackedKey](repeating: PackedKey(high: 0, low: 0), count: PositionBuckets<Household>.span)
        var headAt = [Int32](repeating: 0, count: PositionBuckets<Household>.span)
        var values: [Int64] = []
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        let grouped = households.forEachBucket(spill) { first, span, items in
            for item in items {
                keys[Int(item.first) - first] = item.household
                headAt[Int(item.first) - first] = item.head
            }
            values.removeAll(keepingCapacity: true)
            for i in 0..<span where has(firsts, first + i) {
                if has(without, first + i) {
                    ids.append(EmptyCollection<UInt8>(), isNull: true)
                    values.append(Int64(first + i))
                } else {
                    keys[i].bytes(into: &bytes)
                    ids.append(bytes, isNull: false)
                    values.append(Int64(headAt[i]))
                }
            }
            heads.append(values.count) { values[$0] }
        }
        guard grouped, let idsEntry = ids.finish(), let headsEntry = heads.finish() else { return false }

        // Each position's household: its first position's rank.
        var of = IntegerEntryWriter(spill: spill, count: count, kind: 0, validity: .present, base: 0, top: Int64(total - 1), hasDictionary: false)
        var firstOf = [Int32](repeating: -1, count: PositionBuckets<Placed>.span)
        var complete = true
        let numbered = placed.forEachBucket(spill) { first, span, items in
            for item in items { firstOf[Int(item.position) - first] = item.first }
            of.append(span) { i in
                let p = first + i
                if has(without, p) { return Int64(ranks.rank(Int32(p))) }
                if firstOf[i] < 0 { complete = false }
                defer { firstOf[i] = -1 }
                return Int64(ranks.rank(firstOf[i]))
            }
        }
        guard numbered, complete, let ofEntry = of.finish() else { return false }

        // The households in ascending 户号, then those without one in order of appearance.
        var ascending = IntegerEntryWriter(
            spill: spill, count: total, kind: 0, validity: .present, base: 0, top: Int64(total - 1), hasDictionary: false
        )
        let read = byKey.forEachBlock(spill) { _, firsts in
            ascending.append(firsts.count) { Int64(ranks.rank(firsts[$0])) }
        }
        values.removeAll(keepingCapacity: true)
        Self.forEachSetBit(without) { values.append(Int64(ranks.rank($0))) }
        ascending.append(values.count) { values[$0] }
        guard read, let orderEntry = ascending.finish() else { return false }
        let names = HouseholdIndex.cacheIntegers
        emit(HouseholdIndex.idsEntry, idsEntry)
        emit(names[0], ofEntry)
        emit(names[1], headsEntry)
        emit(names[2], orderEntry)
        return true
    }

    /// `body` for each set bit's position, ascending.
    private static func forEachSetBit(_ bits: [UInt64], _ body: (Int32) -> Void) {
        for (w, word) in bits.enumerated() {
            var rest = word
            while rest != 0 {
                body(Int32(w << 6 + rest.trailingZeroBitCount))
                rest &= rest - 1
            }
        }
    }

    /// How many set bits come before a position: a household's number from its first position.
    private struct Ranks {
        let bits: [UInt64]
        let before: [Int32]
        let total: Int

        init(_ bits: [UInt64]) {
            self.bits = bits
            var before: [Int32] = []
            before.reserveCapacity(bits.count)
            var total = 0
            for word in bits {
                before.append(Int32(total))
                total += word.nonzeroBitCount
            }
            self.before = before
            self.total = total
        }

        func rank(_ position: Int32) -> Int {
            let p = Int(position)
            return Int(before[p >> 6]) + (bits[p >> 6] & ((1 << UInt64(p & 63)) &- 1)).nonzeroBitCount
        }
    }
}

extension PackedKey {
    /// The id's length in bytes (the packing pads with zero bytes, which no id holds).
    var length: Int {
        if low != 0 { return 16 - low.trailingZeroBitCount / 8 }
        if high != 0 { return 8 - high.trailingZeroBitCount / 8 }
        return 0
    }
}
