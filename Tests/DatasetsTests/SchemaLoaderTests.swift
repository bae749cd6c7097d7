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
        XCTAssertEqual(disability.empty, .value(.integer(0), label: "无残疾", when: nil))
        let certDate = try XCTUnwrap(schemas.enterprises.fields.first { $0.name == "high_tech_cert_date" })
        XCTAssertEqual(certDate.requiredWhen?.equals, "是")
        XCTAssertEqual(schemas.residents.fields.first { $0.name == "name" }?.masking, .name)
        // Which lists are kept by hand: licence types warn; 性别 男/女 is the whole domain.
        XCTAssertEqual(schemas.licences.fields.first { $0.name == "license_type" }?.membership, .warn)
        XCTAssertEqual(schemas.residents.fields.first { $0.name == "gender" }?.membership, .reject)
        let firstYear = try XCTUnwrap(schemas.enterprises.fields.first { $0.name == "first_above_scale_year" })
        let aboveScale = try XCTUnwrap(schemas.enterprises.index(of: "above_scale"))
        XCTAssertEqual(firstYear.empty, .value(.integer(0), label: "从未升规", when: RequiredWhen(field: aboveScale, equals: "否")))
        XCTAssertFalse(firstYear.empty.alwaysKnown)
        XCTAssertTrue(disability.empty.alwaysKnown)
    }

    /// The error of a residents schema with these field lines ("" when it loads).
    func schemaError(_ fields: [String]) -> String {
        let yaml = "kind: residents\nlabel: 居民\nkey: id_number\nfields:\n" + fields.map { "  " + $0 + "\n" }.joined()
        do {
            _ = try SchemaLoader.parse(yaml, path: "x.yaml", expecting: .residents)
            return ""
        } catch {
            return String(describing: error)
        }
    }

    func testMembershipOnlyForEnumsAndConditionalEmptyLooksBack() {
        func error(_ field: String) -> String {
            schemaError([
                "- {name: id_number, label: 身份证号, type: id_number, required: true}", field,
                "- {name: alive, label: 是否健在, type: bool}",
            ])
        }
        XCTAssertTrue(error("- {name: n, label: 名, type: text, membership: warn}").contains("只有 enum 类型可以设置 membership"))
        XCTAssertTrue(error("- {name: s, label: 学段, type: enum, values: [无], membership: maybe}").contains("membership 只能是"))
        XCTAssertEqual(error("- {name: s, label: 学段, type: enum, values: [无], membership: warn}"), "")
        XCTAssertTrue(
            error("- {name: d, label: 等级, type: integer, empty: {value: 0, label: 无, when: {field: alive, equals: 否}}}")
                .contains("必须排在它前面"),
            "a conditional empty reads an earlier field of the row"
        )
        XCTAssertTrue(
            error("- {name: d, label: 等级, type: integer, empty: {value: 0, label: 无, when: {field: alive2, equals: 否}}}")
                .contains("不存在的字段 alive2")
        )
        let never = schemaError([
            "- {name: id_number, label: 身份证号, type: id_number, required: true}",
            "- {name: alive, label: 是否健在, type: bool}",
            "- {name: d, label: 等级, type: integer, empty: {value: 0, label: 无, when: {field: alive, equals: N}}}",
        ])
        XCTAssertTrue(never.contains("永远不成立"), never)
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
        let error = schemaError([
            "- {name: gender, label: 性别, type: enum, values: [男, 女], must_match: id_number.gender}",
            "- {name: id_number, label: 身份证号, type: id_number, required: true}",
        ])
        XCTAssertTrue(error.contains("必须排在它前面"), error)
    }
}
