internal import Foundation

/// RFC 4180 quoting for the CSV files Outputs and Pipeline write (the cells joined, no line end).
public enum CSVText {
    public static func line(_ cells: [String]) -> String {
        cells.map(quote).joined(separator: ",")
    }

    /// A line of a file meant for Excel: text cells defused (see `defused`), the `numeric`
    /// columns (amounts, which may start with "-") left as they are.
    public static func excelLine(_ cells: [String], numeric: Set<Int> = []) -> String {
        cells.enumerated().map { column, cell in quote(numeric.contains(column) ? cell : defused(cell)) }.joined(separator: ",")
    }

    /// RFC 4180 quoting when the cell needs it.
    public static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A text cell that Excel would read as a formula (=, +, -, @, tab or CR first: a value from
    /// imported data) gets a leading apostrophe, so opening the file never runs it.
    public static func defused(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }
}
