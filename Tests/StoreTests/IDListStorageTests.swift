import Datasets
import Foundation
import MianshenTesting
import Store
import XCTest

/// A run's population ids are kept in full, or as the difference from the latest full list of
/// the subject when close to it, and every run reads back exactly the ids it was saved with.
final class IDListStorageTests: XCTestCase {
    private func record(_ populations: [(String, [String])]) -> RunRecord {
        RunRecord(
            asOf: "2026-12-01", startedAt: "2026-12-01T00:00:00Z", finishedAt: "2026-12-01T00:00:01Z", engine: "test",
            includeDrafts: false, rulesSHA256: "r", inputs: [], resultsSHA256: "h",
            populations: populations.map { subject, ids in
                RunPopulation(subject: subject, ids: ids, sha256: "\(subject):\(ids.count):\(ids.joined().hashValue)")
            },
            policies: []
        )
    }

    func testNightlyChangesAreKeptAsDifferencesAndReadBackExactly() throws {
        let dir = try TemporaryDirectory()
        let store = try ProfileStore(path: dir.file("s.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas))
        let night0 = (0..<5000).map { String(format: "410103%012d", $0 * 3) }
        // Night 1: a few gone (first, middle, last), a few new (before the first, between, after the last).
        var night1 = night0.filter { !["410103000000000000", String(format: "410103%012d", 7500), night0.last ?? ""].contains($0) }
        night1 += ["410102999999999999", String(format: "410103%012d", 7501), "410104000000000000"]
        night1.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        // Households: 户号 ascending, those without one ("") last, as populations order them.
        let households0 = (0..<2000).map { String(format: "H%015d", $0) } + ["", ""]
        let households1 = Array(households0.dropFirst(2).dropLast(2)) + [String(format: "H%015d", 5000), "", "", ""]
        // Night 2: more than a twentieth changed (kept in full); night 3: out of order (in full).
        let night2 = Array(night1.dropFirst(400))
        let night3 = night2.reversed() as [String]
        let lists = [night0, night1, night2, night3]
        var ids: [Int64] = []
        for (n, list) in lists.enumerated() {
            ids.append(try store.saveRun(record([("居民", list), ("家庭", n == 1 ? households1 : households0)])))
        }
        for (n, list) in lists.enumerated() {
            let run = try XCTUnwrap(try store.loadRun(ids[n]))
            XCTAssertEqual(run.populations.first { $0.subject == "居民" }?.ids, list, "night \(n)")
            XCTAssertEqual(run.populations.first { $0.subject == "家庭" }?.ids, n == 1 ? households1 : households0, "night \(n)")
        }
        let kept = try SQLiteShell.run(dir.file("s.db"), "SELECT count, base_sha256 IS NOT NULL, length(ids) FROM run_id_lists ORDER BY rowid")
            .split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        // 居民 night 0 full; 家庭 full; 居民 night 1 a difference; 家庭 night 1 a difference; nights 2 and 3 full.
        XCTAssertEqual(kept.map { $0[1] }, ["0", "0", "1", "1", "0", "0"], "\(kept)")
        XCTAssertLessThan(Int(kept[2][2]) ?? .max, 200, "six changes take a few bytes, not the list")
    }
}
