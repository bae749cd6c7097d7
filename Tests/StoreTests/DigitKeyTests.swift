@testable import Store
import XCTest

/// The stored rows' keys are kept in 8 bytes each when every one is a 身份证号 (`DigitKey`), one
/// to one: each is given back as it was, and no other text is one.
final class DigitKeyTests: XCTestCase {
    private func compact(_ key: String) throws -> CompactKey { try XCTUnwrap(CompactKey(key)) }

    private func digit(_ key: String) -> DigitKey? {
        Array(key.utf8).withUnsafeBytes { DigitKey(bytes: $0) }
    }

    func testADigitKeyIsAResidentIDNumberOneToOne() throws {
        for key in ["110101199003070019", "11010119900307001X", "000000000000000000", "99999999999999999X"] {
            let made = try XCTUnwrap(digit(key), key)
            XCTAssertEqual(made.withBytes { String(decoding: $0, as: UTF8.self) }, key)
            XCTAssertEqual(DigitKey(try compact(key)), made)
        }
        XCTAssertNotEqual(digit("110101199003070019"), digit("110101199003070010"))
        XCTAssertNotEqual(digit("11010119900307001X"), digit("110101199003070010"), "X is its own check value")
        for other in ["11010119900307001x", "11010119900307001", "1101011990030700190", "A10101199003070019", "1101011990030700X9", ""] {
            XCTAssertNil(digit(other), other)
        }
        XCTAssertEqual(DigitKey.empty.withBytes { $0.count }, 0)
    }
}
