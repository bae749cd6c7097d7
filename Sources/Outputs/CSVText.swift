internal import Foundation

/// RFC 4180 quoting for the CSV files Outputs and Pipeline write (the cells joined, no line end).
public enum CSVText {
    public static func line(_ cells: [String]) -> String {
        cells.map { cell in
            guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }
}
