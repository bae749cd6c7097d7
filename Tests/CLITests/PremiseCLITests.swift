import Foundation
import MianshenTesting
import XCTest

/// 前提: the officer's guide example, compiled and tried as printed. A near miss passes every
/// 前提 and fails exactly one other condition; someone outside the policy's scope is not one.
final class PremiseCLITests: XCTestCase {
    /// The first `policy` block after the guide's “#### 前提” heading.
    static func guideExample() throws -> String {
        let guide = try String(contentsOfFile: RepositoryPaths.root + "/docs/rule-language.md", encoding: .utf8)
        let section = try XCTUnwrap(guide.range(of: "#### 前提\n"), "docs/rule-language.md has no 前提 section")
        let rest = guide[section.upperBound...]
        let open = try XCTUnwrap(rest.range(of: "```policy\n"))
        let close = try XCTUnwrap(rest[open.upperBound...].range(of: "```"))
        return String(rest[open.upperBound..<close.lowerBound])
    }

    func testTheGuidesExampleCountsNearMissesInsideItsScopeOnly() throws {
        let dir = try TemporaryDirectory()
        try dir.copySchemas()
        try FileManager.default.createDirectory(atPath: dir.file("common"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RepositoryPaths.rules + "/common/本区.policy", toPath: dir.file("common/本区.policy"))
        let example = try Self.guideExample()
        XCTAssertTrue(example.contains("  前提 户籍在本区\n"), example)
        try dir.write("示例.policy", example)

        let header = "id_number,name,gender,birth_date,hukou_division,hukou_type,household_id,relation,phone,alive,dibao,tekun,disability_level,school_stage,medical_insurance,annual_income_yuan,farmland_mu,consent_push"
        func resident(_ n: Int, division: String = "410103001", alive: String = "是", tekun: String = "否", level: String) -> String {
            let id = RulesTryCLITests.id("410103196001010\(n)1", "男")
            return "\(id),某\(n),男,1960-01-01,\(division),非农业,H\(n),户主,,\(alive),否,\(tekun),\(level),无,城乡居民,0,0,是"
        }
        try dir.write("residents.csv", [
            header,
            resident(1, level: "1"),                         // 符合
            resident(2, level: "3"),                         // 差一项：只差“重度残疾”
            resident(3, tekun: "是", level: "3"),            // 差两项
            resident(4, division: "410102001", level: "1"),  // 不在本区：前提不满足，不是差一项
            resident(5, alive: "否", level: "3"),            // 已去世：前提不满足
        ].joined(separator: "\n") + "\n")
        func run(_ arguments: [String]) throws -> CLIResult {
            try CLIRunner.run(arguments + ["--rules", dir.path, "--db", dir.file("p.db")])
        }
        let imported = try run(["import", "residents", dir.file("residents.csv")])
        XCTAssertEqual(imported.status, 0, imported.stdout + imported.stderr)

        let trial = try run(["rules", "try", "ZC-ZDHL", "--as-of", "2026-06-01", "--format", "csv"])
        XCTAssertEqual(trial.status, 0, trial.stdout + trial.stderr)
        let row = try XCTUnwrap(trial.stdout.split(separator: "\n").last).split(separator: ",", omittingEmptySubsequences: false)
        // id,name,subject,status,evaluated,granted,excluded,ineligible,manual_review,near_misses,amount_yuan
        XCTAssertEqual(row[4...10].map(String.init), ["5", "1", "0", "4", "0", "1", "90.00"], trial.stdout)

        let show = try CLIRunner.run(["rules", "show", "ZC-ZDHL", "--as-of", "2026-06-01", "--rules", dir.path])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("  1. 户籍在二七区（前提）：户籍地 属于 二七区"), show.stdout)
        XCTAssertTrue(show.stdout.contains("  3. 残疾等级为一级或二级：残疾等级 >= 1 且 残疾等级 <= 2"), show.stdout)

        // The same policy with 条件 for 前提: still decided the same, but no near-miss figure.
        try dir.write("示例.policy", example.replacingOccurrences(of: "  前提 ", with: "  条件 "))
        let plain = try run(["rules", "try", "ZC-ZDHL", "--as-of", "2026-06-01", "--format", "csv"])
        let plainRow = try XCTUnwrap(plain.stdout.split(separator: "\n").last).split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(plainRow[4...10].map(String.init), ["5", "1", "0", "4", "0", "", "90.00"], plain.stdout)
    }
}
