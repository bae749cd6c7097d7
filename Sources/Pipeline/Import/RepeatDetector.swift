internal import Datasets
internal import Store

/// Remembers every key of the file being read, to tell a row whose key came earlier in the
/// same file: an identical repeat (harmless) or a conflicting one (duplicate_key).
///
/// A full extract's keys that the store holds are tracked by their slot in its
/// `StoredRowTable` (an array index: the records skipped as unchanged arrive as slots, and no
/// second key table is built for them); other keys up to 23 bytes are kept inline
/// (`CompactKey` in `CompactKeyValues`: a memcmp was 4 % of an import in perf, SipHash of a
/// `Dictionary` another 4 %), longer ones in a String dictionary.
///
/// A first load (`deferred`) tracks no key that would be compact and calls every such row first:
/// a key table's random probes were the busiest part of a thread of their own (0.4–0.5 s of CPU
/// at 1 M residents, where both cores are busy) and its 40 MB grew with the file. The store's
/// unique key index, rebuilt once after the last row, tells exactly whether the file repeated
/// one (`ImportWriter.keyIndexTellsRepeats`); if it did, the importer starts the import again
/// with the key table (`RepeatedKeys`), so a file with repeats is read twice but treated exactly
/// as before.
struct RepeatDetector {
    enum Outcome {
        case first
        case identical
        case conflicting
    }

    private let stored: StoredRowTable?
    /// By slot of `stored`: the fingerprint of the file's first row with that key, valid where
    /// the slot's bit in `seen` is set (an `Int64?` a slot was 16 bytes: at 4 M residents the
    /// night's third-largest array, 64 MB).
    private var bySlot: [Int64]
    private var seen: [UInt64]
    private var inline: CompactKeyValues
    private var long: [String: Int64] = [:]
    private let deferred: Bool

    init(expectedRows: Int, stored: StoredRowTable? = nil, deferred: Bool = false) {
        self.stored = stored
        bySlot = Array(repeating: 0, count: stored?.count ?? 0)
        seen = Array(repeating: 0, count: ((stored?.count ?? 0) + 63) >> 6)
        inline = CompactKeyValues(capacity: deferred ? 16 : max(16, expectedRows - (stored?.count ?? 0)))
        self.deferred = deferred
    }

    /// Records `key` with the row's fingerprint, or says how it repeats an earlier row.
    mutating func check(_ key: String, fingerprint: Int64) -> Outcome {
        if let slot = stored?.slot(of: key) { return check(slot: slot, fingerprint: fingerprint) }
        if deferred, key.utf8.count <= CompactKey.capacity { return .first }
        if let compact = CompactKey(key) {
            guard let earlier = inline.value(of: compact, keeping: fingerprint) else { return .first }
            return earlier == fingerprint ? .identical : .conflicting
        }
        // Longer keys (rare) are told as they come, deferred or not: as `String`s, which compare
        // by canonical equivalence, where compact keys compare by bytes (and, deferred, by the store's index).
        if let earlier = long[key] { return earlier == fingerprint ? .identical : .conflicting }
        long[key] = fingerprint
        return .first
    }

    /// The same for a key's UTF-8 bytes: a first load's keys (deferred) need no `String`.
    mutating func check(key bytes: UnsafeBufferPointer<UInt8>, fingerprint: Int64) -> Outcome {
        if deferred, stored == nil, bytes.count <= CompactKey.capacity { return .first }
        return check(String(decoding: bytes, as: UTF8.self), fingerprint: fingerprint)
    }

    /// The same for the key of a slot of the stored rows.
    mutating func check(slot: Int, fingerprint: Int64) -> Outcome {
        let bit: UInt64 = 1 << UInt64(slot & 63)
        if seen[slot >> 6] & bit != 0 { return bySlot[slot] == fingerprint ? .identical : .conflicting }
        seen[slot >> 6] |= bit
        bySlot[slot] = fingerprint
        return .first
    }
}
