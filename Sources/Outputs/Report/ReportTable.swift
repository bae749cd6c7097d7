/// One table of a report, as text cells: the HTML page and the CSV files render the very same
/// tables, so the numbers cannot differ between them.
public struct ReportTable: Sendable {
    /// Stable: the HTML element id and the CSV file's name (`policies` → policies.csv).
    public var id: String
    public var title: String
    public var headers: [String]
    public var rows: [[String]]
    /// Columns holding numbers (right-aligned on the page).
    public var numeric: Set<Int>
    /// Shown under the title on the page.
    public var note: String?

    public init(id: String, title: String, headers: [String], rows: [[String]], numeric: Set<Int> = [], note: String? = nil) {
        self.id = id
        self.title = title
        self.headers = headers
        self.rows = rows
        self.numeric = numeric
        self.note = note
    }
}

/// 分 as 元 with two decimals (89250 → 892.50), and shares as percentages.
public enum Money {
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// 0.8753 → 87.5%（one decimal, rounded half up).
    public static func percent(_ share: Double) -> String {
        let tenths = Int64((share * 1000).rounded(.toNearestOrAwayFromZero))
        return "\(tenths / 10).\(abs(tenths % 10))%"
    }

    /// `part` of `whole` as a percentage; empty when `whole` is 0.
    public static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "" : percent(Double(part) / Double(whole))
    }
}
