import Datasets
import Diagnostics
import Foundation
import MianshenTesting
import RuleLanguage
import XCTest

/// Tests/RuleFiles/broken/ holds one deliberately broken rule file per diagnostic code. Its
/// first line says `# 期望 CODE：part of the message`, and `1️⃣` marks where the caret must be.
final class BrokenFilesTests: XCTestCase {
    func testEveryDiagnosticCodeHasABrokenFileReportedAtItsMarker() throws {
        let directory = RepositoryPaths.root + "/Tests/RuleFiles/broken"
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".policy") }.sorted()
        var codes: [String] = []
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            guard let header = text.split(separator: "\n").first, header.hasPrefix("# 期望 ") else {
                XCTFail("\(name): first line must be “# 期望 CODE：message”")
                continue
            }
            let expectation = header.dropFirst("# 期望 ".count).split(separator: "：", maxSplits: 1).map(String.init)
            let code = expectation[0]
            let fragment = expectation.count > 1 ? expectation[1] : ""
            let marked = MarkedSource(text, name: name)
            let diagnostics = RuleCompiler.compile([marked.source], schemas: schemas).diagnostics
            let match = diagnostics.first { $0.code == code }
            XCTAssertNotNil(match, "\(name): no \(code) among \(diagnostics.map(\.code))")
            XCTAssertEqual(match?.location, marked.location(1), "\(name): position")
            XCTAssertTrue(match?.message.contains(fragment) ?? false, "\(name): “\(match?.message ?? "")” lacks “\(fragment)”")
            XCTAssertNotNil(match?.suggestion, "\(name): every diagnostic suggests a fix")
            codes.append(code)
        }
        XCTAssertEqual(Set(codes), Set(Self.documentedCodes), "a broken file for every code, and only documented codes")
    }

    /// The officer's guide has a section per code with a broken example and the fix.
    func testTheGuideExplainsEveryCode() throws {
        let guide = try String(contentsOfFile: RepositoryPaths.root + "/docs/rule-language.md", encoding: .utf8)
        for code in Self.documentedCodes {
            XCTAssertTrue(guide.contains("### \(code) "), "docs/rule-language.md has no section for \(code)")
        }
    }

    static let documentedCodes = [
        "E001", "E002", "E003", "E004", "E101", "E102", "E103", "E104", "E105", "E106", "E107", "E201", "E202", "E203", "E204", "E205",
        "E207", "E208", "E209", "E210", "E211", "E212", "E213", "E214", "E215", "E216", "W201", "W202", "W203", "W204", "W205",
    ]
}
