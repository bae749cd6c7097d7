import Foundation
import MianshenTesting
import XCTest

/// Full extracts of the fixture residents over several nights, for the tests of what a night
/// skips and reads (`RawFingerprintTests`, `StoredRowsSnapshotTests`).
enum ResidentNights {
    /// Three nights of full extracts from the 300 fixture residents, as lines (header first).
    /// Night 1: residents 1–290, resident 10 in a street missing from the hand-kept list (a
    /// warning). Night 2: 1–280 (resident 20's income changed, resident 30's name padded with
    /// spaces: same values, other bytes), 291–300 new, a conflicting repeat of resident 5's
    /// key and an identical repeat of resident 6. Night 3: night 1 again (281–290 come back).
    static func three() throws -> [[String]] {
        let all = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let header = all[0]
        let columns = header.split(separator: ",").map(String.init)
        let income = try XCTUnwrap(columns.firstIndex(of: "annual_income_yuan"))
        let division = try XCTUnwrap(columns.firstIndex(of: "hukou_division"))
        let name = try XCTUnwrap(columns.firstIndex(of: "name"))
        func edit(_ line: String, _ column: Int, _ change: (String) -> String) -> String {
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[column] = change(cells[column])
            return cells.joined(separator: ",")
        }
        var rows = Array(all[1...300])
        rows[9] = edit(rows[9], division) { _ in "410103050" }
        let night1 = [header] + rows[0..<290]
        var second = Array(rows[0..<280])
        second[19] = edit(second[19], income) { String((Int($0) ?? 0) + 1000) }
        second[29] = edit(second[29], name) { " \($0) " }
        let night2 = [header] + second + rows[290..<300]
            + [edit(rows[4], income) { String((Int($0) ?? 0) + 7) }, rows[5]]
        return [night1, night2, night1]
    }
}
