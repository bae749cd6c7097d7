import Datasets
import Foundation
import MianshenTesting
import XCTest

/// Scripts and officers rely on the codes README.md documents: every quarantine reason and
/// every warning has its row in the tables there, and nothing else does.
final class ReasonCodeDocsTests: XCTestCase {
    func testEveryReasonAndWarningCodeHasItsREADMERow() throws {
        let readme = try String(contentsOfFile: RepositoryPaths.root + "/README.md", encoding: .utf8)
        func section(_ title: String) -> [String] {
            guard let start = readme.range(of: title) else { return [] }
            let rest = readme[start.upperBound...]
            let end = rest.range(of: "\n#")?.lowerBound ?? rest.endIndex
            return rest[..<end].split(separator: "\n").compactMap { line in
                guard line.hasPrefix("| `") else { return nil }
                return line.dropFirst(3).split(separator: "`").first.map(String.init)
            }
        }
        XCTAssertEqual(section("### 隔离原因代码").sorted(), ReasonCode.allCases.map(\.rawValue).sorted())
        XCTAssertEqual(section("### 数据质量警告代码").sorted(), WarningCode.allCases.map(\.rawValue).sorted())
    }
}
