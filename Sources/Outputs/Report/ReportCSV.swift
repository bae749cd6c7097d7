internal import Foundation

/// The report's tables as CSV files in one directory (summary.csv, policies.csv …): UTF-8 with a
/// BOM so that Excel shows the Chinese, RFC 4180 quoting, LF line ends, no cell read as a formula.
public enum ReportCSV {
    public static let byteOrderMark = "\u{FEFF}"

    /// One table as the bytes of its file. A text cell that Excel would read as a formula
    /// (=, +, -, @ first: a value from imported data, such as an unlisted licence type) gets a
    /// leading apostrophe, so opening the file never runs it; number columns are left as they are.
    public static func file(_ table: ReportTable) -> String {
        let lines = [CSVText.line(table.headers)] + table.rows.map { CSVText.excelLine($0, numeric: table.numeric) }
        return byteOrderMark + lines.map { $0 + "\n" }.joined()
    }

    /// Writes every table into `directory` (created when missing); returns the files written.
    @discardableResult
    public static func write(_ report: RunReport, to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try report.tables.map { table in
            let path = (directory as NSString).appendingPathComponent(table.id + ".csv")
            try Data(file(table).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return path
        }
    }
}
