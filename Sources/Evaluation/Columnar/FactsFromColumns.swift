internal import Datasets

/// One entity's facts rebuilt from the loaded columns, for the reference evaluator: for rows
/// whose fixed-point arithmetic overflowed, policies the kernels cannot compute exactly, and the
/// differential check. Holds exactly what the program reads.
struct FactsFromColumns {
    let set: ColumnSet
    let columns: SubjectColumns

    func facts(_ entity: Int) -> EntityFacts {
        var facts = EntityFacts(
            fields: record(columns.fields, entity),
            related: [.residents: columns.members.range(of: entity).map { record(set.residents, Int(columns.members.rows[$0])) }]
        )
        // Licences never imported stay missing (no entry), as the store's facts leave them.
        if let licences = columns.licences {
            facts.related[.licences] = licences.range(of: entity).map { record(set.licences, Int(licences.rows[$0])) }
        }
        return facts
    }

    private func record(_ table: ColumnTable, _ row: Int) -> [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for (name, column) in table.columns { fields[name] = value(column, row) }
        return fields
    }

    func value(_ column: LoadedColumn, _ row: Int) -> FieldValue {
        guard column.isValid(row) else { return .null }
        let v = column.values[row]
        switch column.type {
        case .integer: return .integer(v)
        case .decimal: return .decimal(v)
        case .bool: return .bool(v != 0)
        case .date: return .date(Day(daysSinceEpoch: Int32(truncatingIfNeeded: v)))
        default: return .text(set.dictionary.strings[Int(v)])
        }
    }
}
