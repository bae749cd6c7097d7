import Datasets
import XCTest

final class IDNumberTests: XCTestCase {
    let provinces = Set([11, 32, 41, 44, 65])

    func testValidNumbersIncludingXCheckCharacter() throws {
        // 11010519491231002X is the example printed in GB 11643-1999.
        let id = try ResidentIDNumber.validate("11010519491231002X", provinces: provinces).get()
        XCTAssertEqual(id.birthDate, Day(year: 1949, month: 12, day: 31))
        XCTAssertEqual(id.gender, "女")
        // A lowercase x is accepted and normalised.
        XCTAssertEqual(try ResidentIDNumber.validate("11010519491231002x", provinces: provinces).get().text, "11010519491231002X")
        let man = try ResidentIDNumber.validate("440524188001010014", provinces: provinces).get()
        XCTAssertEqual(man.gender, "男")
        XCTAssertEqual(man.birthDate.description, "1880-01-01")
    }

    func testCheckCharacterIsComputedPerISO7064() {
        XCTAssertEqual(ResidentIDNumber.checkCharacter(for: Array("11010519491231002".utf8)), "X")
        XCTAssertEqual(ResidentIDNumber.checkCharacter(for: Array("44052418800101001".utf8)), "4")
    }

    func testWrongCheckCharacterNamesTheExpectedOne() {
        XCTAssertEqual(
            ResidentIDNumber.validate("110105194912310021", provinces: provinces),
            .failure(.badCheckDigit(expected: "X"))
        )
    }

    func testStructuralProblems() {
        XCTAssertEqual(ResidentIDNumber.validate("11010519491231002", provinces: provinces), .failure(.wrongLength(17)))
        XCTAssertEqual(ResidentIDNumber.validate("1101051949123100AX", provinces: provinces), .failure(.badCharacter))
        XCTAssertEqual(ResidentIDNumber.validate("990105194912310021", provinces: provinces), .failure(.unknownProvince("99")))
        XCTAssertEqual(
            ResidentIDNumber.validate("110105194902300021", provinces: provinces), .failure(.badBirthDate("19490230"))
        )
    }

    /// The bit set the import checks with answers as the set it is made from, on both words'
    /// edges (63, 64) and outside 00–99.
    func testProvinceCodesAnswerAsTheirSet() {
        let codes = Set([0, 11, 41, 63, 64, 65, 99])
        let bits = ProvinceCodes(codes + [100, -1])
        for code in -3...130 {
            XCTAssertEqual(bits.contains(code), codes.contains(code), "\(code)")
        }
        XCTAssertEqual(
            ResidentIDNumber.validate("11010519491231002X", provinces: ProvinceCodes(provinces)).map(\.text),
            .success("11010519491231002X")
        )
        XCTAssertEqual(
            ResidentIDNumber.validate("12010519491231002X", provinces: ProvinceCodes(provinces)),
            .failure(.unknownProvince("12"))
        )
    }
}
