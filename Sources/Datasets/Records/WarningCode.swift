/// Why an imported row carries a data-quality warning. A warning never rejects the row and
/// never counts toward `--max-bad-rate`: the value is stored as written (normalised) and the
/// warning says that a list the project keeps by hand does not know it, so the list may be
/// stale. The raw values are stable (scripts use them); documented in README.md.
public enum WarningCode: String, CaseIterable, Sendable, Hashable, Codable {
    /// A structurally valid division code missing from a hand-kept list of divisions.yaml: a
    /// 二七区 township the erqi list lacks, or a 郑州 county the zhengzhou list lacks.
    case unknownDivision = "unknown_division"
    /// A valid GB/T 4754 section letter + 2 digits whose division the section list does not hold.
    case unknownIndustry = "unknown_industry"
    /// A value outside an enum list the schema marks `membership: warn` (e.g. licence types).
    case unknownValue = "unknown_value"

    public var label: String {
        switch self {
        case .unknownDivision: "区划代码不在人工维护的名单中（二七区街道或郑州区县）"
        case .unknownIndustry: "行业大类不在门类的大类名单中"
        case .unknownValue: "取值不在人工维护的取值列表中"
        }
    }
}
