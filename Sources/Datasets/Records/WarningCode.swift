/// Why an imported row carries a data-quality warning. A warning never rejects the row and
/// never counts toward `--max-bad-rate`: the value is stored as written (normalised) and the
/// warning says that a list the project keeps by hand does not know it, so the list may be
/// stale. The raw values are stable (scripts use them); documented in README.md.
public enum WarningCode: String, CaseIterable, Sendable, Hashable, Codable {
    /// A structurally valid 二七区 township code missing from the erqi list of divisions.yaml.
    case unknownDivision = "unknown_division"
    /// A valid GB/T 4754 section letter + 2 digits whose division the section list does not hold.
    case unknownIndustry = "unknown_industry"
    /// A value outside an enum list the schema marks `membership: warn` (e.g. licence types).
    case unknownValue = "unknown_value"

    public var label: String {
        switch self {
        case .unknownDivision: "街道代码不在二七区街道名单中"
        case .unknownIndustry: "行业大类不在门类的大类名单中"
        case .unknownValue: "取值不在人工维护的取值列表中"
        }
    }
}
