/// The kinds of data the district imports. Households are derived from residents.
public enum DatasetKind: String, CaseIterable, Sendable, Hashable, Codable {
    case residents
    case enterprises
    case licences

    /// The Chinese name used in summaries.
    public var label: String {
        switch self {
        case .residents: "居民"
        case .enterprises: "企业"
        case .licences: "电子证照"
        }
    }
}
