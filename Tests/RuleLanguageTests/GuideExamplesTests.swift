import Datasets
import Diagnostics
import Foundation
import MianshenTesting
import RuleLanguage
import XCTest

/// The officer's guide marks complete examples with `<!-- 示例测试 -->` before their ```policy
/// block: each must compile, together with Rules/common/, without any error or warning.
final class GuideExamplesTests: XCTestCase {
    func testEveryMarkedExampleOfTheGuideCompilesCleanly() throws {
        let guide = try String(contentsOfFile: RepositoryPaths.root + "/docs/rule-language.md", encoding: .utf8)
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let commonDirectory = RepositoryPaths.root + "/Rules/common"
        let common = try FileManager.default.contentsOfDirectory(atPath: commonDirectory).filter { $0.hasSuffix(".policy") }.map {
            SourceFile(name: "common/" + $0, text: try String(contentsOfFile: commonDirectory + "/" + $0, encoding: .utf8))
        }
        let parts = guide.components(separatedBy: "<!-- 示例测试 -->\n```policy\n").dropFirst()
        XCTAssertGreaterThanOrEqual(parts.count, 3, "the guide's examples of the lookup table, 最小 and 持有有效证照")
        for (index, part) in parts.enumerated() {
            let example = try XCTUnwrap(part.components(separatedBy: "```").first)
            let output = RuleCompiler.compile(common + [SourceFile(name: "示例\(index + 1).policy", text: example)], schemas: schemas)
            XCTAssertEqual(output.diagnostics.map(\.message), [], "example \(index + 1):\n\(example)")
            XCTAssertNotNil(output.program)
        }
    }
}
