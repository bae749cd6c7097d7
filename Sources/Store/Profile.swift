public import Datasets

/// 一人一档 / 一企一档: everything the store knows about one resident or enterprise.
public struct Profile: Sendable {
    public var kind: DatasetKind
    public var schema: Schema
    /// Values in schema order.
    public var values: [FieldValue]
    public var active: Bool
    public var firstImportID: Int64
    public var lastImportID: Int64
    /// For a resident: the members of the household (including the resident).
    public var household: [HouseholdMember]
    /// Licences held (residents can hold 残疾人证; enterprises their permits).
    public var licences: [[FieldValue]]
    public var history: [FieldChange]
}

public struct HouseholdMember: Sendable, Hashable {
    public var idNumber: String
    public var name: String
    public var relation: String
    public var birthDate: String
    public var active: Bool
}

/// One recorded change of one field (全程留痕).
public struct FieldChange: Sendable, Hashable {
    public var importID: Int64
    public var importedAt: String
    public var file: String
    public var field: String
    public var oldValue: String?
    public var newValue: String?
}
