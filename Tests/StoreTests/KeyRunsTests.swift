import Datasets
import MianshenTesting
@testable import Store
import XCTest

/// A first load's keys sorted in runs and merged (`KeyRuns`) give the order and the keys entry
/// that sorting them all at once gives (`ByteList`, the licences' way and the way before runs):
/// across many runs (1,024 rows each in a debug build), with keys of every length, keys alike in
/// their first 24 bytes, an empty key and a NULL one.
final class KeyRunsTests: XCTestCase {
    private func check(_ keys: [String?], file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try TemporaryDirectory()
        let spill = try XCTUnwrap(SpillFile(directory: dir.path))
        var runs = KeyRuns()
        var all = ByteList()
        for key in keys {
            let value = FlatValues([key.map { .text($0) } ?? .null])
            // Each row's 户号 (here: its row, packed; none for every ninth) comes back with it at
            // its position.
            let row = runs.count
            runs.append(value, 0, household: .some(row % 9 == 4 ? nil : PackedKey(high: 0, low: UInt64(row))), spill: spill)
            all.append(value, 0)
        }
        var carried: [Int32] = []
        let (spilledOrder, extents) = try XCTUnwrap(runs.merged(spill) { position, household in
            XCTAssertEqual(Int(position), carried.count)
            carried.append(household.map { Int32($0.low) } ?? -1)
        }, file: file, line: line)
        var order: [Int32] = []
        XCTAssertTrue(spilledOrder.forEachBlock(spill) { start, rows in
            XCTAssertEqual(start, order.count)
            order += rows
        }, file: file, line: line)
        XCTAssertEqual(carried, order.map { $0 % 9 == 4 ? -1 : $0 }, file: file, line: line)
        let expected = keys.indices.sorted { a, b in
            switch (keys[a], keys[b]) {
            case (nil, _): return keys[b] != nil
            case (_, nil): return false
            case (let x?, let y?): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
            }
        }.map { Int32($0) }
        // The first difference only: a million-element message helps nobody.
        XCTAssertEqual(order.count, expected.count, file: file, line: line)
        if let at = order.indices.first(where: { $0 < expected.count && order[$0] != expected[$0] }) {
            XCTFail("position \(at): row \(order[at]) instead of \(expected[at])", file: file, line: line)
        }
        var entry: [UInt8] = []
        for extent in extents { XCTAssertTrue(spill.read(extent, appendingTo: &entry), file: file, line: line) }
        let wanted = all.encoded(expected)
        XCTAssertEqual(entry.count, wanted.count, file: file, line: line)
        if let at = entry.indices.first(where: { $0 < wanted.count && entry[$0] != wanted[$0] }) {
            XCTFail("entry byte \(at) differs", file: file, line: line)
        }
    }

    func testKeysOfEveryLengthMergeAsOneSortWouldOrderThem() throws {
        var random = SystemRandomNumberGenerator()
        var keys: [String?] = (0..<5_000).map { i in
            switch i % 5 {
            case 0: "\(Int.random(in: 100_000_000...999_999_999, using: &random))\(i)"
            case 1: "LICENCE-NUMBER-SHARED-24-\(i)-\(Int.random(in: 0...99, using: &random))"  // alike in 24 bytes
            case 2: "K\(i)"
            case 3: "长度不一的中文键\(i)"
            default: "\(i)"
            }
        }
        keys.shuffle(using: &random)
        keys.insert("", at: 1_500)
        keys.insert(nil, at: 3_100)
        try check(keys)
    }

    func testKeysOfOneLengthMakeAFixedWidthEntry() throws {
        var random = SystemRandomNumberGenerator()
        let keys: [String?] = Set((0..<4_000).map { _ in String(Int.random(in: 100_000_000_000_000_000...999_999_999_999_999_999, using: &random)) })
            .map { $0 }
        try check(keys)
        try check([])
        try check(["110105199001010011"])
    }
}
