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

    /// `keys` as program nodes name their reads (`birth_date`, `家庭成员.annual_income`).
    init(keys: [String], population: SubjectColumns, columns: ColumnSet) {
        var texts: [UInt8] = []
        var starts = [0]
        starts.reserveCapacity(columns.dictionary.count + 1)
        for text in columns.dictionary.strings {
            texts.append(contentsOf: text.utf8)
            starts.append(texts.count)
        }
        self.texts = texts
        self.starts = starts
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

    /// The hash of `entity`'s inputs, built in `bytes` (emptied first; reused from row to row so
    /// hashing a night's unknowns allocates nothing per row).
    func digest(_ entity: Int, using bytes: inout [UInt8]) -> SHA256.Digest {
        bytes.removeAll(keepingCapacity: true)
        for read in reads {
            bytes.append(contentsOf: read.label)
            if read.missingCollection {
                append(UInt64.max, to: &bytes)  // no count: unlike none, which is a count of 0
            } else if let related = read.related {
                let range = related.range(of: entity)
                append(UInt64(range.count), to: &bytes)
                for position in range { append(read.column, Int(related.rows[position]), to: &bytes) }
            } else {
                append(read.column, entity, to: &bytes)
            }
            bytes.append(0x0A)
        }
        return SHA256.hash(data: bytes)
    }

    private func append(_ column: LoadedColumn?, _ row: Int, to bytes: inout [UInt8]) {
        guard let column, column.isValid(row) else {
            bytes.append(0)
            return
        }
        let value = column.values[row]
        switch column.type {
        case .integer, .decimal, .bool, .date:
            bytes.append(1)
            append(UInt64(bitPattern: value), to: &bytes)
        default:
            let code = Int(value)
            let range = code >= 0 && code + 1 < starts.count ? starts[code] ..< starts[code + 1] : 0 ..< 0
            bytes.append(2)
            append(UInt64(range.count), to: &bytes)
            bytes.append(contentsOf: texts[range])
        }
    }

    /// Big-endian.
    private func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
