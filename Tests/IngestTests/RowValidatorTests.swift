import Datasets
import Ingest
import MianshenTesting
import XCTest

final class RowValidatorTests: XCTestCase {
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    /// A valid resident row as a dictionary; tests change one field at a time.
    let good: [String: String] = [
        "id_number": "11010519491231002X", "name": "王芳", "gender": "女", "birth_date": "1949-12-31",
        "hukou_division": "410103001", "hukou_type": "非农业", "household_id": "H1", "relation": "户主",
        "phone": "13812345678", "alive": "是", "dibao": "否", "tekun": "否", "disability_level": "",
        "school_stage": "无", "medical_insurance": "城乡居民", "annual_income_yuan": "12000.5", "farmland_mu": "0",
        "consent_push": "是",
    ]

    func validate(_ changes: [String: String], kind: DatasetKind = .residents, base: [String: String]? = nil)
        -> (QuarantineEntry?, [FieldValue]) {
        let (entry, values, _) = validateWarning(changes, kind: kind, base: base)
        return (entry, values)
    }

    func reason(_ changes: [String: String]) -> String? {
        validate(changes).0.map { "\($0.field):\($0.reason.rawValue)" }
    }

    func testGoodRowIsTyped() throws {
        let (entry, values) = validate([:])
        XCTAssertNil(entry)
        let schema = schemas.residents
        XCTAssertEqual(values[schema.index(of: "birth_date")!], .date(Day(year: 1949, month: 12, day: 31)!))
        XCTAssertEqual(values[schema.index(of: "annual_income_yuan")!], .decimal(1_200_050))
        XCTAssertEqual(values[schema.index(of: "alive")!], .bool(true))
        XCTAssertEqual(values[schema.index(of: "disability_level")!], .integer(0), "empty = 无残疾, a stated value")
    }

    func testEmptyOptionalIsUnknownNotFalse() {
        let (_, values) = validate(["dibao": "", "annual_income_yuan": "  "])
        XCTAssertEqual(values[schemas.residents.index(of: "dibao")!], .null)
        XCTAssertEqual(values[schemas.residents.index(of: "annual_income_yuan")!], .null)
    }

    func testAbsentColumnIsUnknownEvenWithAStatedEmptyMeaning() {
        var base = good
        base.removeValue(forKey: "disability_level")
        let (_, values) = validate([:], base: base)
        XCTAssertEqual(values[schemas.residents.index(of: "disability_level")!], .null)
    }

    func testEachReasonNamesItsField() {
        XCTAssertEqual(reason(["id_number": "110105194912310021"]), "id_number:bad_check_digit")
        XCTAssertEqual(reason(["id_number": "1101051949123100"]), "id_number:bad_format")
        XCTAssertEqual(reason(["birth_date": "1949-12-30"]), "birth_date:birth_mismatch")
        XCTAssertEqual(reason(["gender": "男"]), "gender:gender_mismatch")
        XCTAssertEqual(reason(["birth_date": "1949-12-32"]), "birth_date:bad_date")
        XCTAssertEqual(reason(["relation": "朋友"]), "relation:bad_enum")
        XCTAssertEqual(reason(["alive": "Y"]), "alive:bad_enum")
        XCTAssertEqual(reason(["disability_level": "5"]), "disability_level:bad_number")
        XCTAssertEqual(reason(["annual_income_yuan": "1.234"]), "annual_income_yuan:bad_number")
        XCTAssertEqual(reason(["hukou_division": "410100001"]), "hukou_division:bad_division")
        XCTAssertEqual(reason(["name": ""]), "name:missing_required")
        XCTAssertEqual(reason(["phone": "12345"]), "phone:bad_format")
    }

    func testFirstFailingFieldInSchemaOrderWins() {
        // gender comes before birth_date in the schema, so its mismatch is the one reported.
        XCTAssertEqual(reason(["gender": "男", "birth_date": "1950-01-01"]), "gender:gender_mismatch")
        XCTAssertEqual(reason(["relation": "朋友", "phone": "1"]), "relation:bad_enum")
    }

    func testUndecodableCellIsBadEncoding() {
        let schema = schemas.residents
        var cells = schema.fields.map { RawCell.text(good[$0.name] ?? "") }
        cells[1] = .undecodable("王\u{FFFD}")
        var validator = RowValidator(schema: schema, divisions: schemas.divisions, file: "f.csv")
        var values: [FieldValue] = []
        let entry = validator.validate(cells, line: 3, into: &values)
        XCTAssertEqual(entry?.reason, .badEncoding)
        XCTAssertEqual(entry?.field, "name")
        XCTAssertEqual(entry?.line, 3)
    }

    func testHighTechCertificateDateRequiredOnlyForHighTech() {
        let enterprise: [String: String] = [
            "uscc": "91350100M000100Y43", "name": "郑州某科技有限公司", "reg_division": "410103005",
            "established": "2015-03-01", "industry": "I65", "high_tech": "是", "high_tech_cert_date": "",
        ]
        XCTAssertEqual(
            validate([:], kind: .enterprises, base: enterprise).0.map { "\($0.field):\($0.reason.rawValue)" },
            "high_tech_cert_date:missing_required"
        )
        XCTAssertNil(validate(["high_tech": "否"], kind: .enterprises, base: enterprise).0)
    }

    func testLicenceHolderKindAndDates() {
        let licence: [String: String] = [
            "holder_id": "91350100M000100Y43", "holder_kind": "企业", "license_type": "营业执照",
            "license_no": "L1", "issue_date": "2020-01-01", "expiry_date": "",
        ]
        let (ok, values) = validate([:], kind: .licences, base: licence)
        XCTAssertNil(ok)
        XCTAssertEqual(values.last, .date(Day(year: 9999, month: 12, day: 31)!), "empty expiry = 长期有效")
        func licenceReason(_ changes: [String: String]) -> String? {
            validate(changes, kind: .licences, base: licence).0.map { "\($0.field):\($0.reason.rawValue)" }
        }
        XCTAssertEqual(licenceReason(["holder_kind": "个人"]), "holder_kind:bad_enum")
        XCTAssertNil(licenceReason(["holder_id": "11010519491231002X", "holder_kind": "个人"]))
        XCTAssertEqual(licenceReason(["expiry_date": "2019-12-31"]), "expiry_date:bad_date")
        XCTAssertEqual(licenceReason(["holder_id": "91350100M000100Y44"]), "holder_id:bad_check_digit")
        XCTAssertEqual(licenceReason(["holder_id": "110105194912310021"]), "holder_id:bad_check_digit")
    }

    /// Validates with warnings collected: (rejection, values, "field:reason" of each warning).
    func validateWarning(_ changes: [String: String], kind: DatasetKind = .residents, base: [String: String]? = nil)
        -> (QuarantineEntry?, [FieldValue], [String]) {
        let schema = schemas[kind]
        var row = base ?? good
        for (k, v) in changes { row[k] = v }
        let cells = schema.fields.map { field in row[field.name].map(RawCell.text) ?? .absent }
        var validator = RowValidator(schema: schema, divisions: schemas.divisions, file: "f.csv")
        var values: [FieldValue] = []
        var warnings: [DataWarning] = []
        let entry = validator.validate(cells, line: 7, into: &values, warnings: &warnings)
        XCTAssertTrue(warnings.allSatisfy { $0.file == "f.csv" && $0.line == 7 && !$0.message.isEmpty })
        return (entry, values, warnings.map { "\($0.field):\($0.reason.rawValue):\($0.value)" })
    }

    func testDivisionStructureRejectsTheStreetListOnlyWarns() {
        let division = schemas.residents.index(of: "hukou_division")!
        let (entry, values, warnings) = validateWarning(["hukou_division": "410103015"])
        XCTAssertNil(entry, "a structurally valid 二七区 code missing from the list is accepted")
        XCTAssertEqual(values[division], .text("410103015"), "and stored as written")
        XCTAssertEqual(warnings, ["hukou_division:unknown_division:410103015"])
        XCTAssertEqual(validateWarning([:]).2, [], "a listed street: no warning")
        XCTAssertEqual(validateWarning(["hukou_division": "410105099"]).2, [], "other districts have no street list")
        // A well-formed 郑州 county missing from the hand-kept county list: stored and warned, like a street.
        let county = validateWarning(["hukou_division": "410199001"])
        XCTAssertNil(county.0, "a 郑州 county code the list lacks is accepted")
        XCTAssertEqual(county.1[division], .text("410199001"))
        XCTAssertEqual(county.2, ["hukou_division:unknown_division:410199001"])
        for bad in ["410103000", "410103600", "410103999", "410100001", "990103001", "4101030151", "41010301X"] {
            let (entry, _, warnings) = validateWarning(["hukou_division": bad])
            XCTAssertEqual(entry?.reason, .badDivision, bad)
            XCTAssertEqual(warnings, [], "\(bad): a rejected row carries no warning")
        }
        XCTAssertTrue(validateWarning(["hukou_division": "410103600"]).0?.message.contains("GB/T 10114") ?? false)
    }

    func testARowRejectedLaterDropsItsWarnings() {
        let (entry, _, warnings) = validateWarning(["hukou_division": "410103015", "phone": "12345"])
        XCTAssertEqual(entry?.reason, .badFormat)
        XCTAssertEqual(warnings, [])
    }

    func testIndustryDivisionAndLicenceTypeListsOnlyWarn() {
        let enterprise: [String: String] = [
            "uscc": "91350100M000100Y43", "name": "郑州某科技有限公司", "reg_division": "410103005",
            "established": "2015-03-01", "industry": "c99",
        ]
        let (entry, values, warnings) = validateWarning([:], kind: .enterprises, base: enterprise)
        XCTAssertNil(entry)
        XCTAssertEqual(values[schemas.enterprises.index(of: "industry")!], .text("C99"), "stored normalised")
        XCTAssertEqual(warnings, ["industry:unknown_industry:C99"])
        XCTAssertEqual(validateWarning(["industry": "Z01"], kind: .enterprises, base: enterprise).0?.reason, .badEnum)
        let licence: [String: String] = [
            "holder_id": "91350100M000100Y43", "holder_kind": "企业", "license_type": "烟草专卖零售许可证",
            "license_no": "L1", "issue_date": "2020-01-01", "expiry_date": "",
        ]
        let (licenceEntry, licenceValues, licenceWarnings) = validateWarning([:], kind: .licences, base: licence)
        XCTAssertNil(licenceEntry)
        XCTAssertEqual(licenceValues[2], .text("烟草专卖零售许可证"))
        XCTAssertEqual(licenceWarnings, ["license_type:unknown_value:烟草专卖零售许可证"])
        XCTAssertEqual(reason(["gender": "未知"]), "gender:bad_enum", "男/女 is structural: still rejected")
        XCTAssertEqual(validateWarning(["holder_kind": "机构"], kind: .licences, base: licence).0?.reason, .badEnum)
    }

    func testFirstAboveScaleYearIsZeroOnlyWhenNotAboveScale() {
        let enterprise: [String: String] = [
            "uscc": "91350100M000100Y43", "name": "郑州某科技有限公司", "reg_division": "410103005",
            "established": "2015-03-01", "industry": "C39", "first_above_scale_year": "",
        ]
        let year = schemas.enterprises.index(of: "first_above_scale_year")!
        func stored(_ aboveScale: String?) -> FieldValue? {
            var base = enterprise
            if let aboveScale { base["above_scale"] = aboveScale }
            let (entry, values) = validate([:], kind: .enterprises, base: base)
            XCTAssertNil(entry)
            return values.count > year ? values[year] : nil
        }
        XCTAssertEqual(stored("否"), .integer(0), "规上 否 + empty year = 从未升规")
        XCTAssertEqual(stored("是"), .null, "规上 是 + empty year: which year is unknown, not never")
        XCTAssertEqual(stored(""), .null, "规上 unknown: unknown")
        XCTAssertEqual(stored(nil), .null, "no 规上 column: unknown")
        XCTAssertEqual(validate(["above_scale": "是", "first_above_scale_year": "2024"], kind: .enterprises, base: enterprise).1[year], .integer(2024))
    }
}
