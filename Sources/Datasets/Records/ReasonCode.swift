/// Why a row was quarantined. The raw values are stable: scripts, manifests and reports use
/// them; the Chinese descriptions are for people. Documented in README.md.
public enum ReasonCode: String, CaseIterable, Sendable, Hashable, Codable {
    case badCheckDigit = "bad_check_digit"
    /// A code or phone number of the wrong length or with characters it cannot contain.
    case badFormat = "bad_format"
    case birthMismatch = "birth_mismatch"
    case genderMismatch = "gender_mismatch"
    case badDate = "bad_date"
    case badEnum = "bad_enum"
    case badNumber = "bad_number"
    case badDivision = "bad_division"
    case missingRequired = "missing_required"
    case duplicateKey = "duplicate_key"
    case wrongColumnCount = "wrong_column_count"
    case badEncoding = "bad_encoding"
    case badXML = "bad_xml"
    case badJSON = "bad_json"

    public var label: String {
        switch self {
        case .badCheckDigit: "校验码错误"
        case .badFormat: "格式错误"
        case .birthMismatch: "出生日期与身份证号不符"
        case .genderMismatch: "性别与身份证号不符"
        case .badDate: "日期无效"
        case .badEnum: "取值不在允许范围内"
        case .badNumber: "数值无效或超出范围"
        case .badDivision: "行政区划代码无效"
        case .missingRequired: "必填项为空"
        case .duplicateKey: "主键重复且内容不同"
        case .wrongColumnCount: "列数不对"
        case .badEncoding: "字符编码无法识别"
        case .badXML: "XML 格式错误"
        case .badJSON: "JSON 格式错误"
        }
    }
}
