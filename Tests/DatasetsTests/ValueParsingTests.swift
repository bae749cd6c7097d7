import Datasets
import MianshenTesting
import XCTest

final class ValueParsingTests: XCTestCase {
    func testDatesInThreeFormatsAndOnlyRealDates() {
        XCTAssertEqual(Day.parse("2024-02-29")?.description, "2024-02-29")
        XCTAssertEqual(Day.parse("20240229")?.description, "2024-02-29")
        XCTAssertEqual(Day.parse("2024/02/29")?.description, "2024-02-29")
        XCTAssertNil(Day.parse("2023-02-29"))
        XCTAssertNil(Day.parse("2001-02-30"))
        XCTAssertNil(Day.parse("2024-13-01"))
        XCTAssertNil(Day.parse("2024-1-01"))
        XCTAssertNil(Day.parse("2024-02/29"))
        XCTAssertEqual(Day(year: 1970, month: 1, day: 1)?.daysSinceEpoch, 0)
        XCTAssertEqual(Day(year: 2000, month: 3, day: 1)?.daysSinceEpoch, 11017)
        XCTAssertLessThan(Day(year: 1949, month: 10, day: 1)!, Day(year: 1970, month: 1, day: 1)!)
    }

    func testDecimalsAreExactAndNeverRounded() {
        XCTAssertEqual(ScaledDecimal.parse("12.34", scale: 2)?.units, 1234)
        XCTAssertEqual(ScaledDecimal.parse("12.3", scale: 2)?.units, 1230)
        XCTAssertEqual(ScaledDecimal.parse("-0.5", scale: 2)?.units, -50)
        XCTAssertEqual(ScaledDecimal.parse("7", scale: 2)?.description, "7.00")
        XCTAssertNil(ScaledDecimal.parse("922337203685477.9999", scale: 4), "out of range by its fraction: refused, no trap")
        XCTAssertEqual(ScaledDecimal.parse("922337203685477.5807", scale: 4)?.units, 9_223_372_036_854_775_807)
        XCTAssertNil(ScaledDecimal.parse("12.345", scale: 2), "a third decimal must not be rounded away")
        XCTAssertNil(ScaledDecimal.parse("1.2.3", scale: 2))
        XCTAssertNil(ScaledDecimal.parse("abc", scale: 2))
        XCTAssertNil(ScaledDecimal.parse(".", scale: 2))
        XCTAssertEqual(ScaledDecimal(units: -5, scale: 2).description, "-0.05")
    }

    func testPhones() {
        XCTAssertEqual(PhoneNumber.normalize("13812345678"), "13812345678")
        XCTAssertEqual(PhoneNumber.normalize("+86 138 1234 5678"), "13812345678")
        XCTAssertEqual(PhoneNumber.normalize("0371-67881234"), "0371-67881234")
        XCTAssertEqual(PhoneNumber.normalize("037167881234"), "0371-67881234")
        XCTAssertEqual(PhoneNumber.normalize("010-12345678"), "010-12345678")
        XCTAssertNil(PhoneNumber.normalize("12345"))
        XCTAssertNil(PhoneNumber.normalize("12812345678"), "no mobile number starts with 12")
        XCTAssertNil(PhoneNumber.normalize("0371-6788"))
    }

    func testIndustryCodesSectionLetterIsStructureTheDivisionListOnlyWarns() {
        XCTAssertEqual(IndustryCode.normalize("C39"), "C39")
        XCTAssertEqual(IndustryCode.normalize("i65"), "I65")
        XCTAssertEqual(IndustryCode.normalize("C99"), "C99", "a section letter and two digits: valid structure")
        XCTAssertNil(IndustryCode.normalize("Z01"), "no section Z")
        XCTAssertNil(IndustryCode.normalize("F5"))
        XCTAssertNil(IndustryCode.normalize("C3X"))
        XCTAssertNil(IndustryCode.normalize("中39"))
        XCTAssertTrue(IndustryCode.isListed("C39"))
        XCTAssertFalse(IndustryCode.isListed("C99"), "C holds 13–43")
        XCTAssertFalse(IndustryCode.isListed("A00"))
    }

    func testDivisions() throws {
        let catalog = try DivisionCatalog.load(path: RepositoryPaths.schemas + "/divisions.yaml")
        XCTAssertNil(catalog.validate("410103001"))
        XCTAssertEqual(catalog.name(of: "410103001"), "淮河路街道")
        XCTAssertNil(catalog.validate("410105003"), "another 郑州 district: valid")
        XCTAssertNil(catalog.validate("320102001"), "outside 郑州: only the province is checked")
        XCTAssertEqual(catalog.validate("990103001"), .unknownProvince("99"))
        XCTAssertEqual(catalog.validate("410100001"), .unknownZhengzhouCounty("410100"), "郑州市本级 is no county")
        // A 郑州 county the hand-kept list lacks: valid structure, only unlisted (like a street).
        XCTAssertNil(catalog.validate("410199001"))
        XCTAssertTrue(catalog.isUnlisted("410199001"))
        XCTAssertTrue(catalog.isUnlisted("410103015"))
        XCTAssertFalse(catalog.isUnlisted("410102015"), "listed county, no street list")
        XCTAssertFalse(catalog.isUnlisted("410100001"))
        XCTAssertFalse(catalog.isUnlisted("320102001"), "outside 郑州 nothing is listed")
        XCTAssertEqual(catalog.validate("41010300"), .notNineDigits)
        // GB/T 10114: 001–099 街道, 100–199 镇, 200–399 乡, 400–599 政企合一单位.
        XCTAssertEqual(catalog.validate("410103000"), .badTownshipPart("000"))
        XCTAssertEqual(catalog.validate("410103600"), .badTownshipPart("600"))
        XCTAssertEqual(catalog.validate("320102999"), .badTownshipPart("999"), "outside 郑州 too")
        XCTAssertNil(catalog.validate("410103599"))
        // A 二七区 street the hand-kept list lacks: valid structure, only unlisted.
        XCTAssertNil(catalog.validate("410103015"))
        XCTAssertTrue(catalog.isUnlistedErqiTownship("410103015"))
        XCTAssertFalse(catalog.isUnlistedErqiTownship("410103001"))
        XCTAssertFalse(catalog.isUnlistedErqiTownship("410102015"), "only 二七区 has a street list")
        XCTAssertFalse(catalog.isUnlistedErqiTownship("410103600"), "wrong structure is not merely unlisted")
    }

    func testDivisionNamesShowUnlistedStreetsAsUnknown() throws {
        let catalog = try DivisionCatalog.load(path: RepositoryPaths.schemas + "/divisions.yaml")
        XCTAssertEqual(catalog.name(of: "410103015"), "未知街道（410103015）", "never 二七区's own name")
        XCTAssertEqual(catalog.label(of: "410103015"), "未知街道（410103015）")
        XCTAssertEqual(catalog.label(of: "410103001"), "淮河路街道（410103001）")
        XCTAssertEqual(catalog.label(of: "410102001"), "中原区（410102001）")
        XCTAssertEqual(catalog.label(of: "320102001"), "320102001")
        XCTAssertEqual(catalog.name(of: "410103"), "二七区")
    }

    func testTheFastDivisionCheckAgreesWithTheCatalogue() throws {
        let catalog = try DivisionCatalog.load(path: RepositoryPaths.schemas + "/divisions.yaml")
        let parsing = FieldTypeParsing(divisions: catalog)
        let codes = ["410103001", "410103015", "410103600", "410103000", "410199001", "410100001", "990103001", "41010300",
                     "410102001", "320102001", "320102700", "4101030O1", "410103100", "410103599"]
        for code in codes {
            let expected = catalog.validate(code) != nil ? "rejected" : catalog.isUnlisted(code) ? "warned" : "value"
            let got = switch parsing.check(code, type: .division, label: "户籍地", minimum: nil, maximum: nil, membership: .reject) {
            case .value: "value"
            case .warned(_, let reason): reason == .unknownDivision ? "warned" : "other warning"
            case .rejected(let problem): problem.reason == .badDivision ? "rejected" : "other rejection"
            }
            XCTAssertEqual(got, expected, code)
        }
    }

    func testMasking() {
        XCTAssertEqual(Masking.mask("410103195311285423", as: .idNumber), "4101**********5423")
        XCTAssertEqual(Masking.mask("张三", as: .name), "张*")
        XCTAssertEqual(Masking.mask("13812345678", as: .phone), "138****5678")
        XCTAssertEqual(Masking.mask("0371-67881234", as: .phone), "0371-******34")
        XCTAssertEqual(Masking.mask("二七区", as: nil), "二七区")
    }
}
