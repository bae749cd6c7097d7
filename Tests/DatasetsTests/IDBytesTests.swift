import Datasets
import XCTest

/// A population's ids as bytes: made from strings or from a text list stored end to end (the
/// column cache's keys), the same bytes either way.
final class IDBytesTests: XCTestCase {
    func testFromStoredBytesEqualsFromStrings() {
        let ids = ["110101194001010011", "", "91110000MA01ABCD2X", "家庭H0001"]
        var stored: [UInt8] = []
        var offsets = [0]
        for id in ids {
            stored += Array(id.utf8)
            offsets.append(stored.count)
        }
        let fromStrings = IDBytes(ids)
        let fromBytes = stored.withUnsafeBytes { IDBytes(concatenated: $0, offsets: offsets) }
        XCTAssertEqual(fromBytes?.bytes, fromStrings.bytes)
        XCTAssertEqual(fromBytes?.count, 4)
        XCTAssertEqual(fromBytes.map { Array($0.joined) }, Array("110101194001010011\n\n91110000MA01ABCD2X\n家庭H0001".utf8))
        for index in ids.indices {
            XCTAssertEqual(fromBytes?.range(index), fromStrings.range(index))
        }
    }

    func testOffsetsOutsideTheBytesAreRefused() {
        let stored: [UInt8] = Array("abc".utf8)
        XCTAssertNil(stored.withUnsafeBytes { IDBytes(concatenated: $0, offsets: [0, 2, 5]) })
        XCTAssertNil(stored.withUnsafeBytes { IDBytes(concatenated: $0, offsets: [0, 2, 1]) })
        XCTAssertEqual(stored.withUnsafeBytes { IDBytes(concatenated: $0, offsets: [0]) }?.count, 0)
    }
}
