import Datasets
import XCTest

/// `FlatValues` holds a batch's values without a `String` per text: every value must come back
/// as it went in, and a row's fingerprint must be the number `FieldValue.fingerprint(of:)` gives
/// (it is stored with the row and compared by the next night's import).
final class FlatValuesTests: XCTestCase {
    private let row: [FieldValue] = [
        .text("41010319550610138X"), .text("王素芳"), .null, .date(Day(year: 1955, month: 6, day: 10)!),
        .integer(-42), .decimal(170_025), .bool(true), .bool(false), .text(""), .text("H410103000000009"),
        .text(String(repeating: "长文本", count: 20)), .date(Day(year: 1900, month: 1, day: 1)!), .integer(Int64.max),
    ]

    func testValuesComeBackAsTheyWentIn() {
        let flat = FlatValues(row)
        XCTAssertEqual(flat.count, row.count)
        XCTAssertEqual(flat.values(0..<flat.count), row)
        for (i, value) in row.enumerated() {
            XCTAssertEqual(flat[i], value)
            XCTAssertEqual(flat.isNull(at: i), value.isNull)
            if case .text(let text) = value {
                XCTAssertEqual(flat.withText(at: i) { Array($0) }, Array(text.utf8))
            } else {
                XCTAssertNil(flat.withText(at: i) { _ in 0 }, "only a text cell has bytes")
            }
        }
    }

    func testFingerprintsAreFieldValueFingerprints() {
        var flat = FlatValues([.text("前一行"), .integer(1)])
        flat.append(contentsOf: FlatValues(row), 0..<row.count)
        XCTAssertEqual(flat.fingerprint(in: 2..<flat.count), FieldValue.fingerprint(of: row))
        XCTAssertEqual(flat.fingerprint(in: 0..<2), FieldValue.fingerprint(of: [.text("前一行"), .integer(1)] as [FieldValue]))
        // Moving a byte between neighbouring texts changes the fingerprint.
        let a = FlatValues([.text("ab"), .text("c")]), b = FlatValues([.text("a"), .text("bc")])
        XCTAssertNotEqual(a.fingerprint(in: 0..<2), b.fingerprint(in: 0..<2))
    }

    func testRemovedCellsTakeTheirTextsWithThem() {
        var flat = FlatValues([.text("甲"), .integer(1)])
        let before = flat.bytes.count
        flat.append(.integer(2))
        flat.append(.text("乙丙"))
        flat.append(.null)
        flat.removeCells(from: 2)
        XCTAssertEqual(flat.values(0..<flat.count), [.text("甲"), .integer(1)])
        XCTAssertEqual(flat.bytes.count, before)
        flat.append(.text("丁"))
        flat.removeLast()
        XCTAssertEqual(flat.bytes.count, before)
        flat.removeCells(from: 5)
        XCTAssertEqual(flat.count, 2, "past the end: nothing removed")
    }
}
