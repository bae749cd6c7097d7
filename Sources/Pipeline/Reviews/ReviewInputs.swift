internal import Crypto
internal import Datasets
internal import RuleLanguage

/// The inputs hash of a review item: SHA-256 over the values a policy read for one entity, from
/// the loaded columns — its own fields (for 家庭 those of the member standing for the household)
/// and, for 家庭成员/证照 reads, the value of every related record in order. Each read is written
/// as its key, then per value a tag (missing, number, text) and its bytes, so a value that turns
/// up or goes away changes the hash, and the dictionary codes of text (which differ between
/// loads) never enter it.
struct ReviewInputs {
    private struct Read {
        var key: String
        /// `key`'s bytes followed by `=`, encoded once (this is hashed for every unknown row).
        var label: [UInt8]
        var column: LoadedColumn?
        /// For a related field: the entity's records in `column`'s table.
        var related: RelatedRows?
        /// A related field of a collection never imported (licences): written as missing.
        var missingCollection = false
    }

    private let reads: [Read]
    /// Every dictionary text's UTF-8 bytes end to end, and where each starts (`starts[code]
    /// ..< starts[code + 1]`): a row's text is copied from here, with no `String` touched.
    private let texts: [UInt8]
    private let starts: [Int]

    /// A dictionary's texts as `texts` and `starts` (made once per pass, shared by its policies).
    static func textBytes(_ dictionary: TextDictionary) -> (texts: [UInt8], starts: [Int]) {
        var texts: [UInt8] = []
        var starts = [0]
        starts.reserveCapacity(dictionary.count + 1)
        for text in dictionary.strings {
            texts.append(contentsOf: text.utf8)
            starts.append(texts.count)
        }
        return (texts, starts)
    }

    /// `keys` as program nodes name their reads (`birth_date`, `家庭成员.annual_income`);
    /// `text`: the columns' dictionary as `textBytes` made it.
    init(keys: [String], population: SubjectColumns, columns: ColumnSet, text: (texts: [UInt8], starts: [Int])) {
        (texts, starts) = text
        reads = keys.sorted().map { key in
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, let kind = NameTable.collections[parts[0]] {
                let rows = kind == .licences ? population.licences : population.members
                return Read(
                    key: key, label: Array(key.utf8) + [0x3D], column: columns.related(kind).columns[parts[1]], related: rows,
                    missingCollection: rows == nil
                )
            }
            return Read(key: key, label: Array(key.utf8) + [0x3D], column: population.fields.columns[key], related: nil)
        }
    }

    /// The fields a policy reads through its conditions and its amount.
    static func keys(of policy: CompiledPolicy, in program: Program) -> [String] {
        let nodes = policy.conditions.map(\.node) + (policy.amount?.nodes ?? [])
        return Array(Set(nodes.flatMap { program[$0].reads }))
    }

    /// Calls `body` with every one of `all`'s arrays held in place as raw pointers (`Pinned`,
    /// valid only inside `body`), and `extra` byte arrays too. Hashing a night's unknowns on two
    /// cores through the arrays themselves retained and released the same columns' buffers for
    /// every value of every row from both threads: two threads were slower than one.
    static func withPinned<R>(_ all: [ReviewInputs?], extra: [[UInt8]], _ body: ([Pinned?], [UnsafeBufferPointer<UInt8>]) -> R) -> R {
        var integers: [[Int64]] = [], words: [[UInt64]] = [], indices: [[Int32]] = [], bytes: [[UInt8]] = [], starts: [[Int]] = []
        for inputs in all {
            guard let inputs else { continue }
            bytes.append(inputs.texts)
            starts.append(inputs.starts)
            for read in inputs.reads {
                bytes.append(read.label)
                integers.append(read.column?.values ?? [])
                words.append(read.column?.validity ?? [])
                indices.append(read.related?.offsets ?? [])
                indices.append(read.related?.rows ?? [])
            }
        }
        bytes += extra
        return pinning(integers) { integers in pinning(words) { words in pinning(indices) { indices in
            pinning(bytes) { bytes in pinning(starts) { starts in
                var b = 0, i = 0, w = 0, x = 0, t = 0
                var pinned: [Pinned?] = []
                for inputs in all {
                    guard let inputs else {
                        pinned.append(nil)
                        continue
                    }
                    let texts = bytes[b], textStarts = starts[t]
                    b += 1
                    t += 1
                    let reads = inputs.reads.map { read -> PinnedRead in
                        defer { b += 1; i += 1; w += 1; x += 2 }
                        return PinnedRead(
                            label: bytes[b], values: integers[i], validity: words[w], offsets: indices[x], rows: indices[x + 1],
                            hasColumn: read.column != nil, isText: read.column.map { isText($0.type) } ?? false,
                            related: read.related != nil, missingCollection: read.missingCollection
                        )
                    }
                    pinned.append(Pinned(reads: reads, texts: texts, starts: textStarts))
                }
                return body(pinned, Array(bytes[b...]))
            } }
        } } }
    }

    /// Whether cells of `type` are dictionary codes (everything but numbers, 是/否 and dates).
    private static func isText(_ type: FieldType) -> Bool {
        switch type {
        case .integer, .decimal, .bool, .date: false
        default: true
        }
    }

    /// Calls `body` with a pointer to each of `arrays`' elements.
    private static func pinning<T, R>(_ arrays: [[T]], _ body: ([UnsafeBufferPointer<T>]) -> R) -> R {
        var pinned: [UnsafeBufferPointer<T>] = []
        pinned.reserveCapacity(arrays.count)
        func pin(_ index: Int) -> R {
            guard index < arrays.count else { return body(pinned) }
            return arrays[index].withUnsafeBufferPointer { pointer in
                pinned.append(pointer)
                return pin(index + 1)
            }
        }
        return pin(0)
    }

    /// One read's arrays in place (see `withPinned`): no reference counting per value.
    struct PinnedRead {
        var label: UnsafeBufferPointer<UInt8>
        var values: UnsafeBufferPointer<Int64>
        var validity: UnsafeBufferPointer<UInt64>
        var offsets: UnsafeBufferPointer<Int32>
        var rows: UnsafeBufferPointer<Int32>
        var hasColumn: Bool
        var isText: Bool
        var related: Bool
        var missingCollection: Bool
    }

    /// A policy's inputs held in place, shared by the hashing threads.
    struct Pinned: @unchecked Sendable {
        let reads: [PinnedRead]
        let texts: UnsafeBufferPointer<UInt8>
        let starts: UnsafeBufferPointer<Int>

        /// The hash of `entity`'s inputs, built in `bytes` (emptied first; reused from row to row
        /// so hashing a night's unknowns allocates nothing per row).
        func digest(_ entity: Int, using bytes: inout [UInt8]) -> SHA256.Digest {
            bytes.removeAll(keepingCapacity: true)
            reads.withUnsafeBufferPointer { reads in
                for read in reads {
                    bytes.append(contentsOf: read.label)
                    if read.missingCollection {
                        append(UInt64.max, to: &bytes)  // no count: unlike none, which is a count of 0
                    } else if read.related {
                        let start = Int(read.offsets[entity]), end = Int(read.offsets[entity + 1])
                        append(UInt64(end - start), to: &bytes)
                        for position in start..<end { append(read, Int(read.rows[position]), to: &bytes) }
                    } else {
                        append(read, entity, to: &bytes)
                    }
                    bytes.append(0x0A)
                }
            }
            return SHA256.hash(data: bytes)
        }

        private func append(_ read: PinnedRead, _ row: Int, to bytes: inout [UInt8]) {
            guard read.hasColumn, row >> 6 < read.validity.count, read.validity[row >> 6] & (1 << UInt64(row & 63)) != 0 else {
                bytes.append(0)
                return
            }
            let value = read.values[row]
            guard read.isText else {
                bytes.append(1)
                append(UInt64(bitPattern: value), to: &bytes)
                return
            }
            let code = Int(value)
            let range = code >= 0 && code + 1 < starts.count ? starts[code] ..< starts[code + 1] : 0 ..< 0
            bytes.append(2)
            append(UInt64(range.count), to: &bytes)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: texts[range]))
        }

        /// Big-endian.
        private func append(_ value: UInt64, to bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
    }
}
