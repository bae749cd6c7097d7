import Datasets
import MianshenTesting
import XCTest

final class SchemaLoaderTests: XCTestCase {
    func testRepositorySchemasLoadWithCanonicalFields() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        XCTAssertEqual(schemas.residents.fields.map(\.name), [
            "id_number", "name", "gender", "birth_date", "hukou_division", "hukou_type", "household_id", "relation",
            "phone", "alive", "dibao", "tekun", "disability_level", "school_stage", "medical_insurance",
            "annual_income_yuan", "farmland_mu", "consent_push",
        ])
        XCTAssertEqual(schemas.enterprises.key.name, "uscc")
        XCTAssertEqual(schemas.licences.key.name, "license_no")
        let disability = try XCTUnwrap(schemas.residents.fields.first { $0.name == "disability_level" })
        XCTAssertEqual(disability.empty, .value(.integer(0), label: "无残疾"))
        let certDate = try XCTUnwrap(schemas.enterprises.fields.first { $0.name == "high_tech_cert_date" })
        XCTAssertEqual(certDate.requiredWhen?.equals, "是")
        XCTAssertEqual(schemas.residents.fields.first { $0.name == "name" }?.masking, .name)
    }

    func testUnknownTypeSuggestsTheClosest() {
        let yaml = """
            kind: residents
            label: 居民
            key: id_number
            fields:
              - {name: id_number, label: 身份证号, type: id_numbr, required: true}
            """
        XCTAssertThrowsError(try SchemaLoader.parse(yaml, path: "x.yaml", expecting: .residents)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("x.yaml"), text)
            XCTAssertTrue(text.contains("id_numbr"), text)
            XCTAssertTrue(text.contains("您是否想写“id_number”"), text)
        }
    }

    func testReferenceToALaterFieldIsRejected() {
        let yaml = """
            kind: residents
            label: 居民
            key: id_number
            fields:
              - {name: gender, label: 性别, type: enum, values: [男, 女], must_match: id_number.gender}
              - {name: id_number, label: 身份证号, type: id_number, required: true}
            """
        XCTAssertThrowsError(try SchemaLoader.parse(yaml, path: "x.yaml", expecting: .residents)) { error in
            XCTAssertTrue(String(describing: error).contains("必须排在它前面"), String(describing: error))
        }
    }
}
