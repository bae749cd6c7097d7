internal import Store

/// Remembers every key of the file being read, to tell a row whose key came earlier in the
/// same file: an identical repeat (harmless) or a conflicting one (duplicate_key).
///
/// A full extract's keys that the store holds are tracked by their slot in its
/// `StoredRowTable` (an array index: the records skipped as unchanged arrive as slots, and no
/// second key table is built for them); other keys up to 23 bytes are kept inline
/// (`CompactKey` in `CompactKeyValues`: a memcmp was 4 % of an import in perf, SipHash of a
/// `Dictionary` another 4 %), longer ones in a String dictionary.
struct RepeatDetector {
    enum Outcome {
        case first
        case identical
        case conflicting
    }

    private let stored: StoredRowTable?
    /// By slot of `stored`: the fingerprint of the file's first row with that key, if any yet.
    private var bySlot: [Int64?]
    private var inline: CompactKeyValues
    private var long: [String: Int64] = [:]

    init(expectedRows: Int, stored: StoredRowTable? = nil) {
        self.stored = stored
        bySlot = Array(repeating: nil, count: stored?.count ?? 0)
        inline = CompactKeyValues(capacity: max(16, expectedRows - (stored?.count ?? 0)))
    }

    /// Records `key` with the row's fingerprint, or says how it repeats an earlier row.
    mutating func check(_ key: String, fingerprint: Int64) -> Outcome {
        if let slot = stored?.slot(of: key) { return check(slot: slot, fingerprint: fingerprint) }
        if let compact = CompactKey(key) {
            guard let earlier = inline.value(of: compact, keeping: fingerprint) else { return .first }
            return earlier == fingerprint ? .identical : .conflicting
        }
        if let earlier = long[key] { return earlier == fingerprint ? .identical : .conflicting }
        long[key] = fingerprint
        return .first
    }

    /// The same for the key of a slot of the stored rows.
    mutating func check(slot: Int, fingerprint: Int64) -> Outcome {
        if let earlier = bySlot[slot] { return earlier == fingerprint ? .identical : .conflicting }
        bySlot[slot] = fingerprint
        return .first
    }
}
