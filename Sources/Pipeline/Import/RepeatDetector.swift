internal import Store

/// Remembers every key of the file being read, to tell a row whose key came earlier in the
/// same file: an identical repeat (harmless) or a conflicting one (duplicate_key).
///
/// Keys up to 23 bytes are kept inline (`CompactKey`: a memcmp was 4 % of an import in perf);
/// longer keys fall back to a String dictionary.
struct RepeatDetector {
    enum Outcome {
        case first
        case identical
        case conflicting
    }

    private var inline: [CompactKey: Int64]
    private var long: [String: Int64] = [:]

    init(expectedRows: Int) {
        inline = Dictionary(minimumCapacity: max(16, expectedRows))
    }

    /// Records `key` with the row's fingerprint, or says how it repeats an earlier row.
    mutating func check(_ key: String, fingerprint: Int64) -> Outcome {
        if let compact = CompactKey(key) {
            if let earlier = inline[compact] { return earlier == fingerprint ? .identical : .conflicting }
            inline[compact] = fingerprint
            return .first
        }
        if let earlier = long[key] { return earlier == fingerprint ? .identical : .conflicting }
        long[key] = fingerprint
        return .first
    }
}
