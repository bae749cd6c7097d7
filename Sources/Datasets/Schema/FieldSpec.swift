/// What personal data a field holds, which decides how it is masked.
public enum PersonalData: String, Sendable, Hashable, Codable {
    case idNumber = "id_number"
    case name
    case phone
}

/// What an empty cell of an optional field means.
public enum EmptyMeaning: Hashable, Sendable {
    /// Stored as NULL and evaluated as unknown (the default).
    case unknown
    /// A stated value, e.g. disability_level empty = 0 (无残疾). With `when`, only in rows where
    /// an earlier field has the given value (first_above_scale_year empty = 0 从未升规 only when
    /// above_scale = 否); in any other row (that field 是, or itself unknown) the cell stays unknown.
    case value(FieldValue, label: String, when: RequiredWhen? = nil)

    /// The condition of a conditional stated value, if any.
    public var condition: RequiredWhen? {
        if case .value(_, _, let when) = self { return when }
        return nil
    }

    /// True when an empty cell is never unknown (an unconditional stated value).
    public var alwaysKnown: Bool {
        if case .value(_, _, nil) = self { return true }
        return false
    }
}

/// Whether a value outside an enum's `values` rejects the row or is stored with a warning.
public enum Membership: String, Hashable, Sendable {
    /// The values are the whole domain (性别 男/女, 是/否): anything else is `bad_enum`.
    case reject
    /// The values are a list kept by hand (licence types): anything else is stored as written
    /// and recorded as an `unknown_value` warning. Written `membership: warn` in a schema.
    case warn
}

/// A check that ties a field to another field of the same row.
public enum CrossCheck: Hashable, Sendable {
    /// birth_date equals the date inside id_number.
    case birthDateOf(field: Int)
    /// gender equals the parity of id_number's sequence digit.
    case genderOf(field: Int)
    /// holder_kind is 企业 for a USCC and 个人 for an ID number.
    case holderKindOf(field: Int)
    /// This date is not before the other field's date.
    case notBefore(field: Int)
}

extension CrossCheck {
    /// The field this check compares with.
    public var otherField: Int {
        switch self {
        case .birthDateOf(let f), .genderOf(let f), .holderKindOf(let f), .notBefore(let f): f
        }
    }
}

/// "When another field has this value": for `required_when` and a conditional `empty:`.
public struct RequiredWhen: Hashable, Sendable {
    public var field: Int
    public var equals: String

    public init(field: Int, equals: String) {
        self.field = field
        self.equals = equals
    }
}

/// One field of a schema, as an official wrote it under `Rules/schemas/`.
public struct FieldSpec: Hashable, Sendable {
    public var name: String
    public var label: String
    public var type: FieldType
    public var required: Bool
    /// Required only when another field has a given value (high_tech_cert_date when high_tech = 是).
    public var requiredWhen: RequiredWhen?
    public var aliases: [String]
    public var personal: PersonalData?
    /// Inclusive bounds, in the field's own unit (for decimals: units of 10^-scale).
    public var minimum: Int64?
    public var maximum: Int64?
    public var empty: EmptyMeaning
    /// For enums: whether `values` is the whole domain or a list kept by hand.
    public var membership: Membership
    public var crossChecks: [CrossCheck]

    public init(
        name: String, label: String, type: FieldType, required: Bool = false,
        requiredWhen: RequiredWhen? = nil, aliases: [String] = [],
        personal: PersonalData? = nil, minimum: Int64? = nil, maximum: Int64? = nil,
        empty: EmptyMeaning = .unknown, membership: Membership = .reject, crossChecks: [CrossCheck] = []
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.required = required
        self.requiredWhen = requiredWhen
        self.aliases = aliases
        self.personal = personal
        self.minimum = minimum
        self.maximum = maximum
        self.empty = empty
        self.membership = membership
        self.crossChecks = crossChecks
    }

    /// How values of this field are masked in logs and human output.
    public var masking: PersonalData? {
        if let personal { return personal }
        switch type {
        case .idNumber, .holderID: return .idNumber
        case .phone: return .phone
        default: return nil
        }
    }
}
