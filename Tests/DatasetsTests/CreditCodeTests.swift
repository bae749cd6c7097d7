import Datasets
import XCTest

final class CreditCodeTests: XCTestCase {
    func testPublishedExamplesAreValid() throws {
        // Examples published with GB 32100-2015 explanations and on real licences.
        XCTAssertEqual(try CreditCode.validate("91350100M000100Y43").get(), "91350100M000100Y43")
        XCTAssertEqual(try CreditCode.validate("91110108551385082Q").get(), "91110108551385082Q")
        XCTAssertEqual(try CreditCode.validate("91440300708461136T").get(), "91440300708461136T")
        // Lowercase input is normalised.
        XCTAssertEqual(try CreditCode.validate("91350100m000100y43").get(), "91350100M000100Y43")
    }

    func testWrongCheckCharacter() {
        XCTAssertEqual(CreditCode.validate("91350100M000100Y44"), .failure(.badCheckDigit(expected: "3")))
    }

    func testCharactersOutsideTheSetAndLength() {
        XCTAssertEqual(CreditCode.validate("91350100M0001O0Y43"), .failure(.badCharacter("O")))
        XCTAssertEqual(CreditCode.validate("91350100M000100Y4"), .failure(.wrongLength(17)))
    }

    func testCheckOfThirtyOneBecomesZero() {
        // Find a 17-character body whose sum is a multiple of 31: the check is then 0, not 31.
        var body = Array("91410103MA0000000".utf8)
        for c in Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8) {
            body[16] = c
            if CreditCode.checkCharacter(for: body) == "0" {
                XCTAssertNoThrow(try CreditCode.validate(String(decoding: body, as: UTF8.self) + "0").get())
                return
            }
        }
        XCTFail("no body with check 0 found by varying the last character")
    }
}
