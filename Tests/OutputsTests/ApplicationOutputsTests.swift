import Datasets
import Foundation
import MianshenTesting
import Outputs
import XCTest

/// An application of a small form rendered as XML and HTML, validated against the shipped
/// `Rules/forms/applications.xsd`.
final class ApplicationOutputsTests: XCTestCase {
    private static let xsdPath = RepositoryPaths.rules + "/forms/applications.xsd"
    private let asOf = Day(year: 2025, month: 12, day: 1) ?? Day(daysSinceEpoch: 0)

    private func schema(_ edit: (String) -> String = { $0 }) throws -> ApplicationSchema {
        let text = try String(contentsOfFile: Self.xsdPath, encoding: .utf8)
        return try ApplicationSchema(xsd: Data(edit(text).utf8), file: Self.xsdPath)
    }

    private func field(_ name: String, _ label: String, _ type: String) -> FormField {
        FormField(name: name, source: .subject, field: name, label: label, xsdType: type, masked: false, line: 1)
    }

    /// A QY-KGBZ application with these values of its fields (by element name).
    private func application(_ values: [String: String?] = [:], name: String = "郑州腾飞智能装备有限公司") -> Application {
        let fields = [
            field("uscc", "统一社会信用代码", "USCC"), field("name", "企业名称", "Text"), field("reg_division", "注册地", "DivisionCode"),
            field("established", "成立日期", "Date"), field("employees", "从业人数", "Count"), field("insured_employees", "参保职工人数", "Count"),
            field("new_graduates_hired", "新招高校毕业生人数", "Count"), field("contact_phone", "企业联系电话", "Phone"),
        ]
        var defaults: [String: String?] = [
            "uscc": "91410103863069299W", "name": name, "reg_division": "410103004", "established": "2015-03-02", "employees": "120",
            "insured_employees": "118", "new_graduates_hired": "3", "contact_phone": "15940325606",
        ]
        for (key, value) in values { defaults[key] = value }
        let form = FormDefinition(policyID: "QY-KGBZ", title: "一次性扩岗补助申请表", fields: fields, materials: ["营业执照"], file: "QY-KGBZ.form.yaml")
        let period = BenefitPeriod(cycle: "一次性", asOf: asOf)
        return Application(
            number: ApplicationNumber.make(policyID: "QY-KGBZ", entityID: "91410103863069299W", period: period), form: form,
            policy: .init(id: "QY-KGBZ", title: "一次性扩岗补助", department: "区人力资源和社会保障局", basis: "豫人社办〔2025〕35号"),
            period: period.label, asOf: asOf, applicant: .init(kind: "企业", id: "91410103863069299W", name: name),
            payee: .init(kind: "企业", id: "91410103863069299W", name: name),
            fields: fields.map { Application.FilledField(field: $0, value: defaults[$0.name].flatMap { $0 }) },
            amount: "4500.00", calculation: ["计算方法：新招高校毕业生人数 * 1500 元，上限 30000 元", "应发金额：4500.00 元"],
            conditions: [.init(label: "招用高校毕业生", basis: nil, line: "✓ 招用高校毕业生（新招高校毕业生人数=3）")],
            materials: [.held(type: "营业执照", number: "91410103863069299W", issued: Day.parse("2015-03-02"), expires: nil, asOf: asOf)]
        )
    }

    private func xml(_ app: Application) throws -> Data {
        try XCTUnwrap(ApplicationXML.render(app))
    }

    func testAnApplicationValidatesAndAnUnknownFieldIsWrittenAsNil() throws {
        let schema = try schema()
        XCTAssertEqual(schema.validate(try xml(application())), [])
        let unknown = try xml(application(["contact_phone": String?.none]))
        XCTAssertTrue(String(decoding: unknown, as: UTF8.self).contains("<contact_phone xsi:nil=\"true\"/>"))
        XCTAssertEqual(schema.validate(unknown), [])
        XCTAssertEqual(schema.forms["QY-KGBZ"]?.map(\.type), ["USCC", "Text", "DivisionCode", "Date", "Count", "Count", "Count", "Phone"])
        XCTAssertTrue(schema.simpleTypes.isSuperset(of: ["MaskedIDNumber", "Money", "YesNo"]))
    }

    func testAValueThatDoesNotFitItsFieldsTypeFailsValidation() throws {
        let schema = try schema()
        let problems = schema.validate(try xml(application(["new_graduates_hired": "三"])))
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.contains("new_graduates_hired") == true, "\(problems)")
        XCTAssertFalse(schema.validate(try xml(application(["established": "2015-02-30"]))).isEmpty)
        XCTAssertFalse(schema.validate(try xml(application(["uscc": "91410103863069299"]))).isEmpty)
    }

    func testBreakingAFieldsTypeInTheXSDMakesTheSameDocumentInvalid() throws {
        let document = try xml(application())
        XCTAssertEqual(try schema().validate(document), [])
        let broken = try schema { $0.replacingOccurrences(of: "name=\"employees\" type=\"Count\"", with: "name=\"employees\" type=\"Date\"") }
        let problems = broken.validate(document)
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.contains("employees") == true, "\(problems)")
    }

    func testHostileNamesAreTextInHTMLAndEscapedInXML() throws {
        let hostile = "<script>alert(\"x\")</script> 'Q' & A&B; &lt;"
        let app = application(name: hostile)
        let document = try xml(app)
        let xmlText = String(decoding: document, as: UTF8.self)
        XCTAssertTrue(xmlText.contains("<name>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 'Q' &amp; A&amp;B; &amp;lt;</name>"), xmlText)
        XCTAssertFalse(xmlText.contains("<script>"))
        XCTAssertEqual(try schema().validate(document), [])
        let html = ApplicationPage.render(app)
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("<td>&lt;script&gt;alert(\"x\")&lt;/script&gt; 'Q' &amp; A&amp;B; &amp;lt;</td>"), html)
        XCTAssertTrue(html.contains("<title>一次性扩岗补助申请表 \(app.number)</title>"))
    }

    func testTheNumberDependsOnPolicyEntityAndBenefitPeriodOnly() throws {
        let december = Day(year: 2025, month: 12, day: 1) ?? asOf
        let later = Day(year: 2025, month: 12, day: 31) ?? asOf
        let nextYear = Day(year: 2026, month: 1, day: 2) ?? asOf
        func number(_ cycle: String, _ day: Day, _ entity: String = "H4101030001089") -> String {
            ApplicationNumber.make(policyID: "YY-YEBT", entityID: entity, period: BenefitPeriod(cycle: cycle, asOf: day))
        }
        XCTAssertEqual(number("月", december), number("月", later))
        XCTAssertNotEqual(number("月", december), number("月", nextYear))
        XCTAssertNotEqual(number("月", december), number("月", december, "H4101030001090"))
        XCTAssertEqual(number("年", december), number("年", later))
        XCTAssertEqual(number("一次性", december), number("一次性", nextYear))
        XCTAssertTrue(number("月", december).hasPrefix("YY-YEBT-202512-"))
        XCTAssertEqual(BenefitPeriod(cycle: "年", asOf: december).label, "2025年")
        XCTAssertNotNil(number("一次性", december).range(of: #"^YY-YEBT-ONCE-[0-9A-F]{16}$"#, options: .regularExpression))
    }

    func testMaterialsAreJudgedOnTheAsOfDate() {
        func status(_ expiry: String?) -> Material.Status {
            Material.held(type: "营业执照", number: "X", issued: nil, expires: expiry.flatMap(Day.parse), asOf: asOf).status
        }
        XCTAssertEqual(status("2025-11-30"), .expired)
        XCTAssertEqual(status("2025-12-01"), .expiring)
        XCTAssertEqual(status("2025-12-31"), .expiring)
        XCTAssertEqual(status("2026-01-01"), .valid)
        XCTAssertEqual(status(nil), .valid)
        XCTAssertEqual(status("9999-12-31"), .valid)
        XCTAssertEqual(Material.missing(type: "营业执照").statusText, "未调取到，申请时提交")
        XCTAssertTrue(Material.missing(type: "营业执照").flagged)
    }
}
