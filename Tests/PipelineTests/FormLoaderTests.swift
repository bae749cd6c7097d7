import Datasets
import Foundation
import MianshenTesting
import Pipeline
import XCTest

/// The forms of the library load; each kind of mistake in a form is reported at its file, line
/// and field, with what to change.
final class FormLoaderTests: XCTestCase {
    private let subjects = ["QY-KGBZ": "企业", "QY-SCSG": "企业", "QY-GXRD": "企业", "YY-YEBT": "家庭", "ZX-GZZX": "居民"]

    private func load(_ directory: String) throws -> [String] {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        return try FormLoader.load(directory: directory, schemas: schemas, subjects: subjects).forms.keys.sorted()
    }

    /// The problems after replacing `old` by `new` in a copy of `Rules/forms/FILE`, as
    /// `FILE:LINE: …`; `line` is that of the first line containing `marker` (default: `new`'s first line).
    private func problems(_ file: String, _ old: String, _ new: String, marker: String? = nil) throws -> (problems: [String], line: Int) {
        let dir = try TemporaryDirectory()
        let forms = RepositoryPaths.rules + "/forms"
        for name in try FileManager.default.contentsOfDirectory(atPath: forms) {
            try FileManager.default.copyItem(atPath: forms + "/" + name, toPath: dir.file(name))
        }
        let text = try String(contentsOfFile: dir.file(file), encoding: .utf8)
        XCTAssertTrue(text.contains(old), "\(file) has no \(old)")
        let edited = text.replacingOccurrences(of: old, with: new)
        try edited.write(toFile: dir.file(file), atomically: true, encoding: .utf8)
        let line = (edited.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(marker ?? String(new.split(separator: "\n").first ?? "")) } ?? -1) + 1
        do {
            _ = try load(dir.path)
            return ([], line)
        } catch let error as FormError {
            return (error.problems.map { $0.description.replacingOccurrences(of: dir.path + "/", with: "") }, line)
        }
    }

    func testTheLibrarysFormsLoad() throws {
        XCTAssertEqual(try load(RepositoryPaths.rules + "/forms"), ["QY-GXRD", "QY-KGBZ", "QY-SCSG", "YY-YEBT", "ZX-GZZX"])
    }

    func testEachMistakeIsReportedAtItsFileLineAndField() throws {
        let cases: [(file: String, old: String, new: String, expected: String)] = [
            ("QY-GXRD.form.yaml", "fact: 高新技术企业证书日期, type: Date", "fact: 高新技术企业证书日期, type: Dat",
             "字段 high_tech_cert_date：type “Dat”不是 applications.xsd 中的类型"),
            ("QY-GXRD.form.yaml", "fact: 高新技术企业证书日期, type: Date", "fact: 高新技术企业证书日期, type: Text",
             "字段 high_tech_cert_date：type 为 Text，而 applications.xsd 的 Form.QY-GXRD 中该元素的类型为 Date。"),
            ("QY-KGBZ.form.yaml", "fact: 企业名称, type: Text", "fact: 企业名称, type: Text, masked: true",
             "字段 name：企业名称不是个人信息（身份证号、姓名、电话），不能脱敏。"),
            ("YY-YEBT.form.yaml", "type: MaskedIDNumber, masked: true", "type: MaskedIDNumber, mask: true",
             "字段 head_id_number：不认识的键 “mask”；可用的键：name、fact、label、type、masked"),
            ("QY-GXRD.form.yaml", "  - 高新技术企业证书", "  - 高新证书", "materials 中的“高新证书”不是电子证照的证照类型"),
            ("ZX-GZZX.form.yaml", "fact: 领取人.联系电话", "fact: 领取人.手机", "字段 guardian_phone：fact “领取人.手机”不是领取人（居民）的数据字段"),
            ("QY-SCSG.form.yaml", "policy: QY-SCSG", "policy: QY-SCSGX", "文件名应为 QY-SCSGX.form.yaml（与 policy 一致）。"),
            ("QY-KGBZ.form.yaml", "  - {name: employees, fact: 从业人数, type: Count}\n  - {name: insured_employees, fact: 参保职工人数, type: Count}",
             "  - {name: insured_employees, fact: 参保职工人数, type: Count}\n  - {name: employees, fact: 从业人数, type: Count}",
             "字段 employees：应排在 insured_employees 之前（applications.xsd 的 Form.QY-KGBZ 中的顺序）。"),
        ]
        for c in cases {
            // Fields swapped: the one now out of place is the second.
            let marker = c.expected.hasPrefix("字段 employees：应排在") ? "name: employees" : nil
            let (problems, line) = try problems(c.file, c.old, c.new, marker: marker)
            XCTAssertEqual(problems.count, c.file == "QY-SCSG.form.yaml" ? 2 : 1, "\(problems)")
            XCTAssertTrue(problems.first?.hasPrefix("\(c.file):\(line): \(c.expected)") == true, "\(problems) ≠ \(c.file):\(line): \(c.expected)")
        }
    }

    func testAFieldTheXSDDoesNotDeclareOrAFormWithoutItsComplexTypeIsReported() throws {
        let (extra, line) = try problems(
            "QY-KGBZ.form.yaml", "  - {name: employees,", "  - {name: staff, fact: 从业人数, type: Count}\n  - {name: employees,"
        )
        XCTAssertEqual(extra.first, "QY-KGBZ.form.yaml:\(line): 字段 staff：applications.xsd 的 Form.QY-KGBZ 中没有元素 staff。", "\(extra)")
        let (missing, policyLine) = try problems("applications.xsd", "Form.ZX-GZZX\"", "Form.ZXOLD\"")
        XCTAssertTrue(missing.contains { $0.hasPrefix("ZX-GZZX.form.yaml:") && $0.contains("applications.xsd 中没有 complexType Form.ZX-GZZX") }, "\(missing)")
        XCTAssertGreaterThan(policyLine, 0)
    }
}
