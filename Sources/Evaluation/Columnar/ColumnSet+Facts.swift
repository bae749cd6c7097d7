public import Datasets

extension ColumnSet {
    /// Columns built from entities' facts (household members and licences included), in the
    /// order given: for evaluating hand-made cases column-wise (tests, one entity's trial).
    /// `ids` must be ascending for a population proper; 家庭 and 居民 read the residents schema.
    /// When no entity has a licences entry, the population's licences are missing (nil).
    public init(subject: String, ids: [String], facts: [EntityFacts], schemas: SchemaSet) {
        var dictionary = TextDictionary()
        let own = subject == "企业" ? schemas.enterprises : schemas.residents
        var members: [[String: FieldValue]] = []
        var licences: [[String: FieldValue]] = []
        var memberOffsets: [Int32] = [0], licenceOffsets: [Int32] = [0]
        for entity in facts {
            members += entity.related[.residents] ?? []
            licences += entity.related[.licences] ?? []
            memberOffsets.append(Int32(members.count))
            licenceOffsets.append(Int32(licences.count))
        }
        let fields = Self.table(own, facts.map(\.fields), &dictionary)
        let residents = Self.table(schemas.residents, members, &dictionary)
        let licenceTable = Self.table(schemas.licences, licences, &dictionary)
        let population = SubjectColumns(
            subject: subject, ids: ids, fields: fields,
            members: RelatedRows(offsets: memberOffsets, rows: (0..<members.count).map(Int32.init)),
            // Licences are missing data only when no entity's facts have them.
            licences: facts.allSatisfy { $0.related[.licences] == nil }
                ? nil : RelatedRows(offsets: licenceOffsets, rows: (0..<licences.count).map(Int32.init))
        )
        self.init(dictionary: dictionary, subjects: [subject: population], residents: residents, licences: licenceTable)
    }

    private static func table(_ schema: Schema, _ records: [[String: FieldValue]], _ dictionary: inout TextDictionary) -> ColumnTable {
        var columns: [String: LoadedColumn] = [:]
        for spec in schema.fields {
            var values = [Int64](repeating: 0, count: records.count)
            var validity = [UInt64](repeating: 0, count: (records.count + 63) / 64)
            for (row, record) in records.enumerated() {
                let value: Int64? = switch (record[spec.name], spec.type) {
                case (.integer(let i)?, .integer), (.decimal(let i)?, .decimal(_)): i
                case (.bool(let b)?, .bool): b ? 1 : 0
                case (.date(let d)?, .date): Int64(d.daysSinceEpoch)
                case (.text(let s)?, let type) where type.scale == nil && type != .integer && type != .bool && type != .date:
                    dictionary.code(s)
                default: nil
                }
                guard let value else { continue }
                values[row] = value
                validity[row >> 6] |= 1 << UInt64(row & 63)
            }
            columns[spec.name] = LoadedColumn(name: spec.name, type: spec.type, values: values, validity: validity)
        }
        return ColumnTable(count: records.count, columns: columns)
    }
}
