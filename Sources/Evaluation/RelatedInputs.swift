internal import Datasets
internal import RuleLanguage

/// The inputs a condition read from related records (`证照.expiry_date`), shown with the value of
/// every record: “2026-12-31、9999-12-31”, with 未知 for a record without the value, 无 for none,
/// and nothing (unknown, like a missing own field) when that kind of record was never imported.
extension ReferenceEvaluator {
    /// The key of a related field in a node's reads: the collection as written, `.`, the field name.
    static func relatedKey(_ kind: DatasetKind, _ field: String) -> String {
        let collection = NameTable.collections.first { $0.value == kind }?.key ?? kind.rawValue
        return "\(collection).\(field)"
    }

    /// The values of a related field read by `key` (`家庭成员.birth_date`), or nil for an own field.
    func relatedInput(_ key: String, _ entity: EntityFacts) -> String? {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = NameTable.collections[parts[0]] else { return nil }
        guard let records = entity.related[kind] else { return "" }
        guard !records.isEmpty else { return "无" }
        return records.map { record in
            guard let value = record[parts[1]], value != .null else { return "未知" }
            return Self.display(value, scale: scales[key])
        }.joined(separator: "、")
    }
}

extension ReferenceEvaluator {
    /// The fields the nodes read, each with the value seen (empty: unknown), in the order of the
    /// nodes' reads.
    func inputs(read nodes: [NodeID], _ entity: EntityFacts) -> [(field: String, value: String)] {
        var seen: Set<String> = []
        return nodes.flatMap { program[$0].reads }.filter { seen.insert($0).inserted }.map { field in
            (field, relatedInput(field, entity) ?? entity.fields[field].map { Self.display($0, scale: scales[field]) } ?? "")
        }
    }
}
