import MianshenTesting
@testable import Store
import XCTest

/// A first load's households grouped by sorting through the spill file (`SortedHouseholds`) give
/// the household index's cache entries byte for byte as `HouseholdIndex` of the same rows, in
/// the same order, gives them (hashing `String`s, the reading of a table): rows over many runs
/// (1,024 a run in a debug build), members spread far apart, rows without 户号, 户主 anywhere or
/// nowhere in a household.
final class SortedHouseholdsTests: XCTestCase {
    private func packed(_ id: String) -> PackedKey? {
        var fits = true
        let key = PackedKey(bytes: id.utf8, fits: &fits)
        return fits ? key : nil
    }

    private func check(_ keys: [PackedKey?], isHead: [Bool], file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try TemporaryDirectory()
        let spill = try XCTUnwrap(SpillFile(directory: dir.path))
        var households = SortedHouseholds()
        var bits = [UInt64](repeating: 0, count: (keys.count + 63) >> 6)
        for (position, key) in keys.enumerated() {
            households.add(key, spill)
            if isHead[position] { bits[position >> 6] |= 1 << UInt64(position & 63) }
        }
        let index = HouseholdIndex(keys, isHead: isHead) { $0.text }
        var names: [String] = []
        let complete = households.entries(isHead: bits, spill) { name, extents in
            names.append(name)
            var bytes: [UInt8] = []
            for extent in extents { XCTAssertTrue(spill.read(extent, appendingTo: &bytes), file: file, line: line) }
            let wanted = name == HouseholdIndex.idsEntry
                ? ColumnCacheCodec.encode(texts: index.ids)
                : ColumnCacheCodec.encode(present: index.cacheIntegers[name] ?? [], kind: 0)
            XCTAssertEqual(bytes.count, wanted.count, name, file: file, line: line)
            // The first difference only: thousands of bytes help nobody.
            if let at = bytes.indices.first(where: { $0 < wanted.count && bytes[$0] != wanted[$0] }) {
                XCTFail("\(name): byte \(at) differs", file: file, line: line)
            }
        }
        XCTAssertTrue(complete, file: file, line: line)
        XCTAssertEqual(names, [HouseholdIndex.idsEntry] + HouseholdIndex.cacheIntegers, file: file, line: line)
    }

    func testSortedGroupingGivesTheHouseholdIndexOfTheRows() throws {
        var random = SystemRandomNumberGenerator()
        let count = 5_000
        // Row i's household: a few hundred, ids of differing lengths, every seventh row without one.
        let rows = Array(0..<count).shuffled(using: &random)
        let keys = rows.map { $0 % 7 == 3 ? nil : packed("H4101030000\($0 * 7919 % 311)") }
        try check(keys, isHead: rows.map { $0 % 3 == 0 })
        // Heads nowhere (each household's first member stands for it) and everywhere.
        try check(keys, isHead: rows.map { _ in false })
        try check(keys, isHead: rows.map { _ in true })
    }

    func testIDsOfOneLengthAndHouseholdsOfOneAreCovered() throws {
        var random = SystemRandomNumberGenerator()
        let count = 3_000
        let ids = (0..<count).map { _ in packed("41010300\(Int.random(in: 1_000...1_400, using: &random))") }
        try check(ids, isHead: ids.indices.map { $0 % 4 == 1 })  // one length: the fixed layout
        try check(Array(repeating: nil, count: count), isHead: Array(repeating: false, count: count))
        try check([], isHead: [])
        try check([packed("4101030001")], isHead: [false])
    }
}
