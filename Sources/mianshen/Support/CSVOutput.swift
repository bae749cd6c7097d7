import Foundation

/// Writes CSV for machines: UTF-8 without BOM, RFC 4180 quoting, LF line ends.
enum CSVOutput {
    static func line(_ cells: [String]) -> String {
        cells.map(quote).joined(separator: ",")
    }

    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
