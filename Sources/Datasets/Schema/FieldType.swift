/// The type of a schema field; it decides the validator and how the value is stored.
public enum FieldType: Hashable, Sendable {
    case text
    case integer
    /// Exact decimal with `scale` fraction digits.
    case decimal(scale: Int)
    case date
    /// 是 / 否.
    case bool
    case enumeration([String])
    /// 居民身份证号, GB 11643-1999.
    case idNumber
    /// 统一社会信用代码, GB 32100-2015.
    case uscc
    /// 9-digit township code: GB/T 2260 county + GB/T 10114 township.
    case division
    /// 11-digit mobile or a landline with area code.
    case phone
    /// GB/T 4754-2017 section letter + 2-digit division, e.g. C39.
    case industry
    /// The holder of a licence: a USCC (企业) or an ID number (个人).
    case holderID

    /// The spelling used in schema files.
    public var name: String {
        switch self {
        case .text: "text"
        case .integer: "integer"
        case .decimal: "decimal"
        case .date: "date"
        case .bool: "bool"
        case .enumeration: "enum"
        case .idNumber: "id_number"
        case .uscc: "uscc"
        case .division: "division"
        case .phone: "phone"
        case .industry: "industry"
        case .holderID: "holder_id"
        }
    }

    /// Every spelling a schema file may use, for the "did you mean" of a schema error.
    public static let names = [
        "text", "integer", "decimal", "date", "bool", "enum", "id_number", "uscc", "division", "phone",
        "industry", "holder_id",
    ]

    /// The decimal scale, or nil for non-decimal types.
    public var scale: Int? {
        if case .decimal(let scale) = self { return scale }
        return nil
    }
}
