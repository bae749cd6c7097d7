public import Datasets

/// The type of an expression: what the checker compares and the engine will compute.
public enum RuleType: Sendable, Hashable, CustomStringConvertible {
    case bool
    /// A number in a unit (元, 万元, 亩, %, 岁, 人 …), or a plain number.
    case number(unit: String?)
    case date
    case text
    /// A field whose values are a closed list (性别, 学段 …).
    case enumeration([String])
    /// An administrative division code; `属于 二七区` tests it.
    case division
    /// A collection of related records (家庭成员, 证照) of one schema.
    case records(DatasetKind)
    /// After an error: accepted everywhere so one mistake is reported once.
    case error

    public var description: String {
        switch self {
        case .bool: "是/否"
        case .number(let unit): unit.map { "数值（\($0)）" } ?? "数值"
        case .date: "日期"
        case .text: "文字"
        case .enumeration(let values): "取值（\(values.prefix(4).joined(separator: "、"))\(values.count > 4 ? "…" : "")）"
        case .division: "行政区划"
        case .records(let kind): "\(kind.label)记录集合"
        case .error: "（有误）"
        }
    }

    /// The type of a schema field. Units come from the field name's suffix (`_yuan` 元, `_wan`
    /// 万元, `_mu` 亩, `_rate` %); counts of people are in 人.
    public static func of(_ field: FieldSpec) -> RuleType {
        switch field.type {
        case .integer, .decimal:
            let name = field.name
            if name.hasSuffix("_yuan") { return .number(unit: "元") }
            if name.hasSuffix("_wan") { return .number(unit: "万元") }
            if name.hasSuffix("_mu") { return .number(unit: "亩") }
            if name.hasSuffix("_rate") { return .number(unit: "%") }
            if name == "employees" || name == "insured_employees" || name == "new_graduates_hired" {
                return .number(unit: "人")
            }
            return .number(unit: nil)
        case .date: return .date
        case .bool: return .bool
        case .enumeration(let values): return .enumeration(values)
        case .division: return .division
        case .text, .idNumber, .uscc, .phone, .industry, .holderID: return .text
        }
    }

    var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
}
