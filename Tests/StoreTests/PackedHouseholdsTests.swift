@testable import Store
import XCTest

/// Households renumbered for another order of the rows (`PackedHouseholds.reorder`, which moves
/// the keys in place along the renumbering's cycles) are what grouping the rows in that order
/// gives; the ascending order and the cache entries are those of `HouseholdIndex` from the rows.
final class PackedHouseholdsTests: XCTestCase {
    /// Row `i`'s household key: a few hundred households, members spread over the rows, and
    /// every seventh row without one.
    private func key(_ row: Int) -> PackedKey? {
        guard row % 7 != 3 else { return nil }
        var fits = true
        let key = PackedKey(bytes: "H4101030000\(row * 7919 % 311)".utf8, fits: &fits)
        return fits ? key : nil
    }

    private func grouped(_ rows: [Int]) -> PackedHouseholds {
        PackedHouseholds(count: rows.count) { key(rows[$0]) }
    }

    /// The first difference only: thousands of elements help nobody.
    private func assertSame(_ a: PackedHouseholds, _ b: PackedHouseholds, file: StaticString = #filePath, line: UInt = #line) {
        func same<T: Equatable>(_ x: [T], _ y: [T], _ what: String) {
            XCTAssertEqual(x.count, y.count, "\(what): count", file: file, line: line)
            if let at = x.indices.first(where: { $0 < y.count && x[$0] != y[$0] }) {
                XCTFail("\(what) differs first at \(at): \(x[at]) against \(y[at])", file: file, line: line)
            }
        }
        same(a.householdOf, b.householdOf, "householdOf")
        same(a.keys, b.keys, "keys")
        same(a.none, b.none, "none")
    }

    func testReorderingIsGroupingInTheNewOrder() {
        let count = 5_000
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4 {
            let order = round == 0 ? Array(0..<count) : Array(0..<count).shuffled(using: &generator)
            var groups = grouped(Array(0..<count))
            var used = order.map { Int32($0) }
            groups.reorder(&used)
            assertSame(groups, grouped(order))
            XCTAssertEqual(Set(used), [-1], "every row's household moved in place")
        }
        // A reversed order: every household changes number.
        var reversed = grouped(Array(0..<count))
        var backwards = (0..<count).reversed().map { Int32($0) }
        reversed.reorder(&backwards)
        assertSame(reversed, grouped(Array((0..<count).reversed())))
    }

    func testReorderingToSomeRowsDropsHouseholdsWithoutThem() {
        let count = 3_000
        let some = Array(stride(from: count - 1, through: 0, by: -3))
        var groups = grouped(Array(0..<count))
        var rows = some.map { Int32($0) }
        groups.reorder(&rows)
        assertSame(groups, grouped(some))
        XCTAssertEqual(rows, some.map { Int32($0) }, "a partial order stays as it was")
        XCTAssertLessThan(groups.keys.count, grouped(Array(0..<count)).keys.count)
    }

    func testAscendingAndEntriesAreTheHouseholdIndexOfTheRows() {
        let count = 4_000
        let rows = Array(0..<count).shuffled()
        let keys = rows.map(key)
        let isHead = rows.map { $0 % 3 == 0 }
        let groups = grouped(rows)
        let index = HouseholdIndex(keys, isHead: isHead) { $0.text }
        XCTAssertEqual(groups.ascending, index.order)
        var names: [String] = []
        groups.cacheEntries(isHead: isHead) { name, bytes in
            names.append(name)
            switch name {
            case HouseholdIndex.idsEntry: XCTAssertEqual(bytes, ColumnCacheCodec.encode(texts: index.ids))
            default:
                XCTAssertEqual(bytes, ColumnCacheCodec.encode(present: index.cacheIntegers[name] ?? [], kind: 0), name)
            }
        }
        XCTAssertEqual(names, [HouseholdIndex.idsEntry] + HouseholdIndex.cacheIntegers)
    }
}
