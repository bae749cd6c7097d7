import Diagnostics
import Datasets
import Foundation
import MianshenTesting
import Pipeline
import RuleLanguage
import XCTest

/// The policy library under Rules/ is a product: these are its promises to the district, checked
/// on every build. A policy added without tests, basis or review fails here, not in production.
final class PolicyLibraryTests: XCTestCase {
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    func testEveryDomainIsCoveredByCompiledPoliciesWithBasisAndNoWarnings() throws {
        let check = try RuleCheck.run(path: RepositoryPaths.rules, schemas: schemas)
        XCTAssertEqual(check.diagnostics.map(\.message), [], "no errors and no warnings")
        let program = try XCTUnwrap(check.program)
        XCTAssertGreaterThanOrEqual(program.policies.count, 15)
        let byDomain = Dictionary(grouping: program.policies) { $0.domain ?? "" }
        for domain in ["惠农", "助学", "助医", "养老", "育幼", "扶弱", "助残"] {
            XCTAssertFalse(byDomain[domain, default: []].isEmpty, "no policy in \(domain)")
        }
        XCTAssertGreaterThanOrEqual(byDomain["惠企", default: []].count, 5)
        for policy in program.policies {
            XCTAssertFalse((policy.basis ?? "").isEmpty, "\(policy.id) has no 依据")
            XCTAssertNotNil(policy.validity, "\(policy.id) has no 有效期")
            XCTAssertNotNil(policy.period, "\(policy.id) has no 周期")
            XCTAssertNotNil(policy.payee, "\(policy.id) has no 领取人")
            XCTAssertTrue(policy.mode == "提醒" || policy.amount != nil, "\(policy.id) grants nothing")
        }
        let groups = Dictionary(grouping: program.policies.filter { $0.exclusive != nil }) { $0.exclusive?.group ?? "" }
        XCTAssertTrue(groups.values.contains { $0.count >= 2 }, "at least one exclusive group with two policies")
        let changesInPeriod = program.parameters.values.contains { parameter in
            parameter.values.dropFirst().contains { $0.from >= Day.parse("2025-01-01")! && $0.from <= Day.parse("2026-12-31")! }
        }
        XCTAssertTrue(changesInPeriod, "a parameter changes value on a date in 2025–2026")
    }

    func testEveryPolicyIsTestedAtFullCoverageIncludingUnknownPaths() throws {
        let report = try RuleTestRunner.run(path: RepositoryPaths.rules, schemas: schemas)
        XCTAssertEqual(report.failures.map { "\($0.testCase): \($0.messages)" }, [])
        XCTAssertEqual(report.untested, [])
        XCTAssertEqual(report.neverTrue, [])
        XCTAssertEqual(report.neverFalse, [])
        XCTAssertEqual(report.neverUnknown, [])
        let unknowablePolicies = Set(report.unknowable.map { $0.split(separator: "：").first.map(String.init) ?? "" })
        XCTAssertGreaterThanOrEqual(unknowablePolicies.count, 3, "policies whose conditions can be unknown")
    }

    func testEveryPolicyIsPublishedForItsCurrentContent() throws {
        let catalog = try RuleCatalog.entries(rulesDirectory: RepositoryPaths.rules, schemas: schemas)
        XCTAssertFalse(catalog.entries.isEmpty)
        for entry in catalog.entries {
            XCTAssertEqual(entry.status, .published, "\(entry.policy.id) is \(entry.status.rawValue): re-approve it after editing (rules approve)")
            XCTAssertGreaterThanOrEqual(entry.departments.count, 2)
        }
    }
}
