import Foundation
import Diagnostics

/// A plain-text table for the terminal; columns line up with Chinese text (double width).
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    mutating func add(_ row: [String]) {
        rows.append(row)
    }

    func render() -> String {
        var widths = headers.map(DisplayWidth.of)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], DisplayWidth.of(cell))
            }
        }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : DisplayWidth.pad(cell, to: widths[i])
            }.joined(separator: "  ")
        }
        var lines = [format(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        // A line break inside a cell would break the table; looked for byte-wise first (a
        // Foundation search per cell was a third of listing 142 k review items).
        lines += rows.map { format($0.map { $0.utf8.contains(0x0A) ? $0.replacingOccurrences(of: "\n", with: "⏎") : $0 }) }
        return lines.joined(separator: "\n")
    }
}
