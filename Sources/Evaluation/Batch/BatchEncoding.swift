/// Compact bytes for what a run keeps of a `PolicyBatch`: condition bitsets run-length encoded
/// word by word (most words of a condition are all zeros or all ones), and the rows that are not
/// ineligible as (gap, outcome, amount) triples; every other entity is ineligible.
public enum BatchEncoding {
    /// Bitsets of `count` bits each: per bitset, runs of `(header, words)`; an even header 2n is n
    /// copies of the next word, an odd header 2n+1 is n literal words.
    public static func encode(_ bitsets: [Bitset]) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(bitsets.count))
        for bitset in bitsets {
            let words = bitset.words
            var i = 0
            while i < words.count {
                var run = 1
                while i + run < words.count, words[i + run] == words[i] { run += 1 }
                if run >= 2 {
                    out.varint(UInt64(run) << 1)
                    out.word(words[i])
                    i += run
                    continue
                }
                var end = i + 1
                while end < words.count, !(end + 1 < words.count && words[end + 1] == words[end]) { end += 1 }
                out.varint(UInt64(end - i) << 1 | 1)
                for w in words[i..<end] { out.word(w) }
                i = end
            }
        }
        return out.bytes
    }

    public static func decodeBitsets(_ bytes: [UInt8], count: Int) -> [Bitset]? {
        var reader = ByteReader(bytes)
        guard let n = reader.varint() else { return nil }
        let wordCount = (count + 63) / 64
        var out: [Bitset] = []
        for _ in 0..<n {
            var words: [UInt64] = []
            words.reserveCapacity(wordCount)
            while words.count < wordCount {
                guard let header = reader.varint() else { return nil }
                let length = Int(header >> 1)
                guard length > 0, words.count + length <= wordCount else { return nil }
                if header & 1 == 0 {
                    guard let w = reader.word() else { return nil }
                    words.append(contentsOf: repeatElement(w, count: length))
                } else {
                    for _ in 0..<length {
                        guard let w = reader.word() else { return nil }
                        words.append(w)
                    }
                }
            }
            out.append(Bitset(count: count, words: words))
        }
        return reader.atEnd ? out : nil
    }

    /// The entities whose outcome is not ineligible, with their outcome and amount in 分.
    public static func encodeRows(outcomes: [BatchOutcome], amountFen: [Int64]) -> [UInt8] {
        var out = ByteWriter()
        var previous = -1
        for (index, outcome) in outcomes.enumerated() where outcome != .ineligible {
            out.varint(UInt64(index - previous))
            out.bytes.append(outcome.rawValue)
            let amount = amountFen[index]
            out.varint(UInt64(bitPattern: (amount << 1) ^ (amount >> 63)))
            previous = index
        }
        return out.bytes
    }

    public static func decodeRows(_ bytes: [UInt8], count: Int) -> (outcomes: [BatchOutcome], amountFen: [Int64])? {
        var outcomes = [BatchOutcome](repeating: .ineligible, count: count)
        var amounts = [Int64](repeating: 0, count: count)
        var reader = ByteReader(bytes)
        var index = -1
        while !reader.atEnd {
            guard let gap = reader.varint(), gap > 0, let code = reader.byte(), let outcome = BatchOutcome(rawValue: code),
                  let zigzag = reader.varint() else { return nil }
            index += Int(gap)
            guard index < count else { return nil }
            outcomes[index] = outcome
            amounts[index] = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        }
        return (outcomes, amounts)
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func word(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard let b = byte() else { return nil }
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    mutating func word() -> UInt64? {
        guard position + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[position + i]) << UInt64(i * 8) }
        position += 8
        return value
    }
}
