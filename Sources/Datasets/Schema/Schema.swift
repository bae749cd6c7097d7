/// The declared shape of one kind of data: its fields in validation order and its key.
public struct Schema: Hashable, Sendable {
    public var kind: DatasetKind
    public var label: String
    /// Index into `fields` of the key (id_number, uscc, license_no).
    public var keyIndex: Int
    public var fields: [FieldSpec]
    /// What an entity missing from a full extract is called (迁出/死亡, 注销/迁出).
    public var inactiveLabel: String
    /// Where the schema came from, for messages.
    public var sourcePath: String
    /// A fixed-seed hash of the schema file's text (`RowHasher`), 0 for a schema built in code:
    /// what a record's raw bytes mean depends on it (imports seed raw fingerprints with it).
    public var contentDigest: Int64 = 0

    public init(
        kind: DatasetKind, label: String, keyIndex: Int, fields: [FieldSpec], inactiveLabel: String,
        sourcePath: String
    ) {
        self.kind = kind
        self.label = label
        self.keyIndex = keyIndex
        self.fields = fields
        self.inactiveLabel = inactiveLabel
        self.sourcePath = sourcePath
    }

    public var key: FieldSpec { fields[keyIndex] }

    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}

/// The three schemas and the division catalogue, loaded together from `Rules/schemas/`.
public struct SchemaSet: Sendable {
    public var residents: Schema
    public var enterprises: Schema
    public var licences: Schema
    public var divisions: DivisionCatalog

    public init(residents: Schema, enterprises: Schema, licences: Schema, divisions: DivisionCatalog) {
        self.residents = residents
        self.enterprises = enterprises
        self.licences = licences
        self.divisions = divisions
    }

    public subscript(kind: DatasetKind) -> Schema {
        switch kind {
        case .residents: residents
        case .enterprises: enterprises
        case .licences: licences
        }
    }
}
