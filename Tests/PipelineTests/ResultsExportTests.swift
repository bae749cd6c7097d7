import Datasets
import Evaluation
import Foundation
import MianshenTesting
import Pipeline
import XCTest

/// The results CSV is the contract and what the ledger hashes: byte for byte what the rows give,
/// amounts in 元 with two decimals on eligible and over_budget rows only.
final class ResultsExportTests: XCTestCase {
    private func result() -> BatchResult {
        let ids = ["110101190001011234", "11010119000101123X", "H410103000000001", "a"]
        let outcomes: [BatchOutcome] = [.eligible, .overBudget, .ineligible, .excluded]
        let b = PolicyBatch(
            policyID: "B", subject: "居民", outcomes: outcomes, amountFen: [5, 123_456_789, 0, 100], conditions: [],
            amountKnown: Bitset(count: 4)
        )
        let a = PolicyBatch(
            policyID: "A", subject: "居民", outcomes: [.unknown, .eligible, .eligible, .eligible], amountFen: [0, 0, 100, -250],
            conditions: [], amountKnown: Bitset(count: 4)
        )
        return BatchResult(
            asOf: Day(daysSinceEpoch: 0), populations: ["居民": BatchPopulation(subject: "居民", ids: ids)], policies: [b, a]
        )
    }

    private func csv(_ result: BatchResult, all: Bool, outcomes: Set<BatchOutcome>? = nil) -> String {
        var bytes: [UInt8] = []
        ResultsExport.csv(result, all: all, outcomes: outcomes) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testBytesAreTheContractRows() {
        XCTAssertEqual(csv(result(), all: true), """
            entity_id,policy_id,outcome,amount
            110101190001011234,A,unknown,
            11010119000101123X,A,eligible,0.00
            H410103000000001,A,eligible,1.00
            a,A,eligible,-2.50
            110101190001011234,B,eligible,0.05
            11010119000101123X,B,over_budget,1234567.89
            H410103000000001,B,ineligible,
            a,B,excluded,

            """)
        var viaRows = ResultsExport.header + "\n"
        ResultsExport.rows(result(), all: false) { viaRows += ResultsExport.csvLine($0) + "\n" }
        XCTAssertEqual(csv(result(), all: false), viaRows, "without --all: every row but the ineligible ones")
        XCTAssertEqual(csv(result(), all: false, outcomes: [.excluded]), ResultsExport.header + "\na,B,excluded,\n")
    }

    func testLongExportsComeInPiecesThatJoinUp() throws {
        let count = 70_000
        let ids = (0..<count).map { String(format: "%018d", $0) }
        let batch = PolicyBatch(
            policyID: "P", subject: "居民", outcomes: [BatchOutcome](repeating: .eligible, count: count),
            amountFen: (0..<count).map { Int64($0) * 101 }, conditions: [], amountKnown: Bitset(count: count)
        )
        let big = BatchResult(asOf: Day(daysSinceEpoch: 0), populations: ["居民": BatchPopulation(subject: "居民", ids: ids)], policies: [batch])
        var pieces = 0
        var bytes: [UInt8] = []
        ResultsExport.csv(big, all: true) { pieces += 1; bytes.append(contentsOf: $0) }
        XCTAssertGreaterThan(pieces, 1)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, count + 1)
        XCTAssertEqual(lines[count], "\(ids[count - 1]),P,eligible,\(ResultsExport.yuan(Int64(count - 1) * 101))")
        // The ledger's hash (hashed on a second thread, piece by piece) is the SHA-256 of these bytes.
        let dir = try TemporaryDirectory()
        let file = try dir.write("results.csv", String(decoding: bytes, as: UTF8.self))
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", file]
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let expected = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        XCTAssertEqual(expected.count, 64)
        XCTAssertEqual(ResultsExport.sha256(big), String(expected))
        withExtendedLifetime(dir) {}
    }
}
