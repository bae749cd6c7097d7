/// One field of every loaded row, as a contiguous typed buffer and a validity bitmap (Arrow's
/// layout): integers as themselves, decimals as integer units of 10^-scale (as the store keeps
/// them), 是/否 as 1/0, dates as days since 1970-01-01, text of any kind as a `TextDictionary`
/// code. Where the validity bit is clear the value is unknown and `values` holds 0.
public struct LoadedColumn: Sendable {
    public var name: String
    public var type: FieldType
    public var values: [Int64]
    /// Bit `i` (word `i / 64`, bit `i % 64`) set when row `i` has a value.
    public var validity: [UInt64]

    public init(name: String, type: FieldType, values: [Int64], validity: [UInt64]) {
        self.name = name
        self.type = type
        self.values = values
        self.validity = validity
    }

    public func isValid(_ row: Int) -> Bool {
        validity[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// The rows at `rows`, in that order.
    public func gathering(_ rows: [Int32]) -> LoadedColumn {
        var validity = [UInt64](repeating: 0, count: (rows.count + 63) / 64)
        let values = [Int64](unsafeUninitializedCapacity: rows.count) { out, count in
            self.values.withUnsafeBufferPointer { source in
                self.validity.withUnsafeBufferPointer { valid in
                    validity.withUnsafeMutableBufferPointer { bits in
                        for (i, row) in rows.enumerated() {
                            let r = Int(row)
                            if r < source.count, r >> 6 < valid.count, valid[r >> 6] & (1 << UInt64(r & 63)) != 0 {
                                out[i] = source[r]
                                bits[i >> 6] |= 1 << UInt64(i & 63)
                            } else {
                                out[i] = 0
                            }
                        }
                    }
                }
            }
            count = rows.count
        }
        return LoadedColumn(name: name, type: type, values: values, validity: validity)
    }
}

/// Related records per entity in compressed sparse row form: the records of entity `e` are
/// `rows[offsets[e] ..< offsets[e + 1]]`, indices into the related table.
public struct RelatedRows: Sendable {
    public var offsets: [Int32]
    public var rows: [Int32]

    public init(offsets: [Int32], rows: [Int32]) {
        self.offsets = offsets
        self.rows = rows
    }

    /// No entity has any record.
    public static func empty(count: Int) -> RelatedRows {
        RelatedRows(offsets: [Int32](repeating: 0, count: count + 1), rows: [])
    }

    public func range(of entity: Int) -> Range<Int> { Int(offsets[entity])..<Int(offsets[entity + 1]) }

    /// The entities at `entities` (indices into this one), in that order.
    public func gathering(_ entities: [Int32]) -> RelatedRows {
        // Sized first, then filled in place (appending a slice per entity, a million times, was
        // most of a cached run's household set-up).
        var offsets = [Int32](repeating: 0, count: entities.count + 1)
        var total = 0
        for (i, entity) in entities.enumerated() {
            total += Int(self.offsets[Int(entity) + 1] - self.offsets[Int(entity)])
            offsets[i + 1] = Int32(total)
        }
        let rows = [Int32](unsafeUninitializedCapacity: total) { buffer, count in
            self.rows.withUnsafeBufferPointer { source in
                self.offsets.withUnsafeBufferPointer { from in
                    var next = 0
                    for entity in entities {
                        let start = Int(from[Int(entity)]), end = Int(from[Int(entity) + 1])
                        for k in start..<end {
                            buffer[next] = source[k]
                            next += 1
                        }
                    }
                }
            }
            count = total
        }
        return RelatedRows(offsets: offsets, rows: rows)
    }
}

/// Loaded rows of one table: the columns asked for, by canonical field name.
public struct ColumnTable: Sendable {
    public var count: Int
    public var columns: [String: LoadedColumn]

    public init(count: Int, columns: [String: LoadedColumn]) {
        self.count = count
        self.columns = columns
    }

    /// The rows at `rows`, in that order.
    public func gathering(_ rows: [Int32]) -> ColumnTable {
        ColumnTable(count: rows.count, columns: columns.mapValues { $0.gathering(rows) })
    }
}

/// The population of one subject (居民, 家庭, 企业): its ids in ascending order, its own fields
/// (for 家庭 those of the member standing for the household), its household members (rows of the
/// residents table) and its licences (rows of the licences table; nil when no licence data was
/// ever imported: then what an entity holds is unknown, not nothing).
public struct SubjectColumns: Sendable {
    public var subject: String
    public var ids: [String]
    public var fields: ColumnTable
    public var members: RelatedRows
    public var licences: RelatedRows?
    /// `ids` as bytes when the loader had them so (the column cache): the run's hashes and
    /// stored lists are made from these rather than from a million strings.
    public var idBytes: IDBytes?

    public init(
        subject: String, ids: [String], fields: ColumnTable, members: RelatedRows, licences: RelatedRows?, idBytes: IDBytes? = nil
    ) {
        self.subject = subject
        self.ids = ids
        self.fields = fields
        self.members = members
        self.licences = licences
        self.idBytes = idBytes.flatMap { $0.count == ids.count ? $0 : nil }
    }
}

/// What a columnar evaluation reads: per subject its population, the residents and licences
/// tables its related records point into, and the dictionary of every text value.
public struct ColumnSet: Sendable {
    public var dictionary: TextDictionary
    public var subjects: [String: SubjectColumns]
    /// Every active resident (household members point here), ascending by 身份证号.
    public var residents: ColumnTable
    /// Every active licence (licences point here).
    public var licences: ColumnTable

    public init(dictionary: TextDictionary, subjects: [String: SubjectColumns], residents: ColumnTable, licences: ColumnTable) {
        self.dictionary = dictionary
        self.subjects = subjects
        self.residents = residents
        self.licences = licences
    }

    /// The related table of a kind of record (household members are residents).
    public func related(_ kind: DatasetKind) -> ColumnTable {
        kind == .licences ? licences : residents
    }
}
