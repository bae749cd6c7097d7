internal import Datasets
internal import Store

/// Remembers every key of the file being read, to tell a row whose key came earlier in the
/// same file: an identical repeat (harmless) or a conflicting one (duplicate_key).
///
/// A full extract's keys that the store holds are tracked by their slot in its
/// `StoredRowTable`, a bit a slot (the records skipped as unchanged arrive as slots, the others'
/// are found by this thread's cursor, `StoredRowCursor`, and no key table is built for them); other keys up to 23 bytes are kept inline
/// (`CompactKey` in `CompactKeyValues`: a memcmp was 4 % of an import in perf, SipHash of a
/// `Dictionary` another 4 %), longer ones in a String dictionary.
///
/// A first load (`deferred`) tracks no key that would be compact and calls every such row first:
/// a key table's random probes were the busiest part of a thread of their own (0.4–0.5 s of CPU
/// at 1 M residents, where both cores are busy) and its 40 MB grew with the file. The store's
/// unique key index, rebuilt once after the last row, tells exactly whether the file repeated
/// one (`ImportWriter.keyIndexTellsRepeats`); if it did, the importer starts the import again
/// (`RepeatedKeys`) telling as they come the repeats of the keys the table held more than once
/// (`RepeatTelling.deferred(watching:)`), so a file with repeats is read twice but treated
/// exactly as before. Telling every key's repeats the second time, a table of all the file's keys
/// grew with it: 150 MiB at 1 M residents with one repeat, 97 now, 84 without the repeat.
struct RepeatDetector {
    enum Outcome {
        case first
        case identical
        case conflicting
    }

    private let stored: StoredRowTable?
    /// This thread's way through the stored rows, in file order.
    private let cursor: StoredRowCursor?
    /// By slot of `stored`: whether the file had the key yet.
    private var seen: [UInt64]
    /// The fingerprint of the file's first row with a slot's key, where it is not the stored
    /// row's own: a row read as unchanged has that one, and so do most rows of a night. Every
    /// slot's first fingerprint in an array was 8 bytes a row (at 4 M residents 32 MB of the
    /// night's reading phase); past `changedLimit` of them (a night that changed most rows) they
    /// go in such an array after all (`bySlot`), which then holds every first fingerprint.
    private var changed: [Int32: Int64] = [:]
    private var bySlot: [Int64]?
    private let changedLimit: Int
    private var inline: CompactKeyValues
    private var long: [String: Int64] = [:]
    private let deferred: Bool
    /// Deferred: the compact keys told after all.
    private let watched: CompactKeySet

    init(expectedRows: Int, stored: StoredRowTable? = nil, telling: RepeatTelling = .asTheyCome) {
        self.stored = stored
        cursor = stored?.makeCursor()
        seen = Array(repeating: 0, count: ((stored?.count ?? 0) + 63) >> 6)
        changedLimit = max(1024, (stored?.count ?? 0) / 16)
        switch telling {
        case .asTheyCome:
            deferred = false
            watched = CompactKeySet([])
        case .deferred(let keys):
            deferred = true
            watched = keys
        }
        inline = CompactKeyValues(capacity: deferred ? 16 : max(16, expectedRows - (stored?.count ?? 0)))
    }

    /// Records `key` with the row's fingerprint, or says how it repeats an earlier row.
    mutating func check(_ key: String, fingerprint: Int64) -> Outcome {
        var key = key
        return key.withUTF8 { check(key: $0, fingerprint: fingerprint) }
    }

    /// The same for a key's UTF-8 bytes (a validated batch's): no `String` is made for a key the
    /// store holds (found by this thread's cursor) nor for a compact one.
    mutating func check(key bytes: UnsafeBufferPointer<UInt8>, fingerprint: Int64) -> Outcome {
        let raw = UnsafeRawBufferPointer(bytes)
        if let (slot, row) = cursor?.find(raw) { return check(slot: slot, fingerprint: fingerprint, stored: row.valueFingerprint) }
        if bytes.count <= CompactKey.capacity {
            if deferred, watched.isEmpty { return .first }
            if let compact = CompactKey(bytes: raw) { return check(compact, fingerprint: fingerprint) }
        }
        // Longer keys (rare) are told as they come, deferred or not: as `String`s, which compare
        // by canonical equivalence, where compact keys compare by bytes (and, deferred, by the store's index).
        let key = String(decoding: bytes, as: UTF8.self)
        if let earlier = long[key] { return earlier == fingerprint ? .identical : .conflicting }
        long[key] = fingerprint
        return .first
    }

    /// A compact key not among the stored rows' (deferred: told only when watched).
    private mutating func check(_ key: CompactKey, fingerprint: Int64) -> Outcome {
        if deferred, !watched.contains(key) { return .first }
        guard let earlier = inline.value(of: key, keeping: fingerprint) else { return .first }
        return earlier == fingerprint ? .identical : .conflicting
    }

    /// The same for the key of a slot of the stored rows, whose row has value fingerprint
    /// `stored`. A row read as unchanged has the stored row's (most rows of a night).
    mutating func check(slot: Int, fingerprint: Int64, stored: Int64?) -> Outcome {
        let bit: UInt64 = 1 << UInt64(slot & 63)
        if seen[slot >> 6] & bit != 0 { return first(slot, stored: stored) == fingerprint ? .identical : .conflicting }
        seen[slot >> 6] |= bit
        if bySlot != nil {
            bySlot?[slot] = fingerprint
        } else if stored != fingerprint {
            changed[Int32(slot)] = fingerprint
            if changed.count > changedLimit { keepAll() }
        }
        return .first
    }

    /// The fingerprint of the file's first row with a seen slot's key, whose stored row has
    /// value fingerprint `stored`.
    private func first(_ slot: Int, stored: Int64?) -> Int64? {
        if let bySlot { return bySlot[slot] }
        return changed[Int32(slot)] ?? stored
    }

    /// From now on every first fingerprint by slot: the stored ones where none other came.
    private mutating func keepAll() {
        guard let stored else { return }
        var all = stored.valueFingerprints()
        for (slot, fingerprint) in changed { all[Int(slot)] = fingerprint }
        bySlot = all
        changed = [:]
    }
}

/// How an import tells the repeats of its file's keys.
enum RepeatTelling {
    /// Each repeat as it comes (a key table of the file's keys).
    case asTheyCome
    /// A first load: a compact key's repeats are left to the store's unique key index, rebuilt
    /// after the last row (`ImportWriter.keyIndexTellsRepeats`), except those of `watching`, told
    /// as they come (the keys a first reading found repeated, when the file is read again).
    case deferred(watching: CompactKeySet)

    var isDeferred: Bool {
        if case .deferred = self { return true }
        return false
    }
}
