internal import Foundation

/// The report's tables as CSV files in one directory (summary.csv, policies.csv …): UTF-8 with a
/// BOM so that Excel shows the Chinese, RFC 4180 quoting, LF line ends.
public enum ReportCSV {
    public static let byteOrderMark = "\u{FEFF}"

    /// One table as the bytes of its file.
    public static func file(_ table: ReportTable) -> String {
        byteOrderMark + ([table.headers] + table.rows).map { $0.map(quote).joined(separator: ",") + "\n" }.joined()
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

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
