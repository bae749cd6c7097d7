internal import Diagnostics
/// The YAML shape of a schema file, before it is checked and turned into a `Schema`.
// Property names follow the file's snake_case keys so officials see the same words.
// swiftlint:disable identifier_name
struct RawSchema: Decodable {
    var kind: String
    var label: String
    var key: String
    var inactive_label: String?
    var fields: [RawField]
}

/// A YAML scalar read as text, whether the author wrote `0`, `0.5` or `"是"`.
struct ScalarText: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let s = try? container.decode(String.self) {
            text = s
        } else if let i = try? container.decode(Int64.self) {
            text = String(i)
        } else {
            text = String(try container.decode(Double.self))
        }
    }
}

struct RawEmpty: Decodable {
    var value: ScalarText
    var label: String
    var when: RawRequiredWhen?
}

struct RawRequiredWhen: Decodable {
    var field: String
    var equals: ScalarText
}

struct RawField: Decodable {
    var name: String
    var label: String
    var type: String
    var required: Bool?
    var required_when: RawRequiredWhen?
    var values: [String]?
    var scale: Int?
    var min: ScalarText?
    var max: ScalarText?
    var aliases: [String]?
    var personal: PersonalData?
    var empty: RawEmpty?
    var membership: String?
    var must_match: String?
    var not_before: String?

    func spec(path: String, index: (String) throws -> Int) throws -> FieldSpec {
        func fail(_ message: String) -> SchemaError {
            SchemaError(file: path, message: "字段 \(name)：\(message)")
        }
        let fieldType: FieldType
        switch type {
        case "text": fieldType = .text
        case "integer": fieldType = .integer
        case "decimal":
            guard let scale, (0...6).contains(scale) else { throw fail("decimal 类型需要 scale（小数位数，0–6）。") }
            fieldType = .decimal(scale: scale)
        case "date": fieldType = .date
        case "bool": fieldType = .bool
        case "enum":
            guard let values, !values.isEmpty else { throw fail("enum 类型需要 values（取值列表）。") }
            fieldType = .enumeration(values)
        case "id_number": fieldType = .idNumber
        case "uscc": fieldType = .uscc
        case "division": fieldType = .division
        case "phone": fieldType = .phone
        case "industry": fieldType = .industry
        case "holder_id": fieldType = .holderID
        default:
            throw fail("未知类型 \(type)" + Suggest.didYouMean(type, among: FieldType.names))
        }
        func bound(_ scalar: ScalarText?, _ word: String) throws -> Int64? {
            guard let scalar else { return nil }
            switch fieldType {
            case .integer:
                guard let v = Int64(scalar.text) else { throw fail("\(word) 应为整数，实际为 \(scalar.text)。") }
                return v
            case .decimal(let scale):
                guard let v = ScaledDecimal.parse(scalar.text, scale: scale) else {
                    throw fail("\(word) 应为数字（最多 \(scale) 位小数），实际为 \(scalar.text)。")
                }
                return v.units
            default:
                throw fail("只有 integer 和 decimal 类型可以设置 \(word)。")
            }
        }
        var emptyMeaning = EmptyMeaning.unknown
        if let empty {
            guard required != true else { throw fail("必填字段不能规定空值含义（empty）。") }
            guard let value = FieldTypeParsing.literal(empty.value.text, type: fieldType) else {
                throw fail("empty.value \(empty.value.text) 不是 \(type) 类型的合法值。")
            }
            let when = try empty.when.map { RequiredWhen(field: try index($0.field), equals: $0.equals.text) }
            emptyMeaning = .value(value, label: empty.label, when: when)
        }
        var membershipRule = Membership.reject
        if let membership {
            guard case .enumeration = fieldType else {
                throw fail("只有 enum 类型可以设置 membership（其他类型的结构校验不能降为警告）。")
            }
            guard let rule = Membership(rawValue: membership) else {
                throw fail("membership 只能是 reject（取值列表即全部取值，其他值拒绝）或 warn（人工维护的列表，其他值导入并警告），实际为 \(membership)。")
            }
            membershipRule = rule
        }
        var checks: [CrossCheck] = []
        if let mustMatch = must_match {
            let parts = mustMatch.split(separator: ".").map(String.init)
            guard parts.count == 2 else {
                throw fail("must_match 的写法是 字段.属性，例如 id_number.gender，实际为 \(mustMatch)。")
            }
            let other = try index(parts[0])
            switch parts[1] {
            case "gender": checks.append(.genderOf(field: other))
            case "birth_date": checks.append(.birthDateOf(field: other))
            case "kind": checks.append(.holderKindOf(field: other))
            default:
                throw fail("must_match 的属性只能是 gender、birth_date 或 kind，实际为 \(parts[1])。")
            }
        }
        if let notBefore = not_before {
            checks.append(.notBefore(field: try index(notBefore)))
        }
        let requiredWhen = try required_when.map { RequiredWhen(field: try index($0.field), equals: $0.equals.text) }
        return FieldSpec(
            name: name, label: label, type: fieldType, required: required ?? false,
            requiredWhen: requiredWhen,
            aliases: aliases ?? [], personal: personal, minimum: try bound(min, "min"),
            maximum: try bound(max, "max"), empty: emptyMeaning, membership: membershipRule, crossChecks: checks
        )
    }
}
