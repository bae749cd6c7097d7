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
