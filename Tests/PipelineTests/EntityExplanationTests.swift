import Datasets
import Evaluation
import Foundation
import Logging
import MianshenTesting
@testable import Pipeline
import RuleLanguage
import Store
import XCTest

/// `rules try --entity` decides with the columnar engine, as `run` and the trial over everyone
/// do: the explanation shows the engine's decision for that one entity, with the values each
/// condition read from the reference evaluator, and says so when the two disagree.
final class EntityExplanationTests: XCTestCase {
    var store: ProfileStore!
    /// Kept for the test's length: the store opens more connections to its file while reading.
    var directory: TemporaryDirectory!
    var catalog: (entries: [CatalogEntry], program: Program)!
    let asOf = Day.parse("2025-12-01")

    override func setUpWithError() throws {
        let dir = try TemporaryDirectory()
        directory = dir
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        store = try ProfileStore(path: dir.file("t.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for kind in [DatasetKind.residents, .enterprises, .licences] {
            _ = try importer.run(ImportRequest(kind: kind, path: RepositoryPaths.fixture("\(kind.rawValue).csv"), maxBadRate: 0.5))
        }
        let loaded = try RuleCatalog.entries(rulesDirectory: RepositoryPaths.root + "/Rules", schemas: schemas)
        catalog = (loaded.entries, try XCTUnwrap(loaded.program))
    }

    /// The whole population through the engine (互斥组 applied), as the nightly run decides it.
    func population() throws -> (raw: BatchResult, decided: BatchResult) {
        let policies = catalog.entries.map(\.policy)
        let columns = try store.loadColumns(ColumnarEngine.columnRequest(program: catalog.program, policies: policies))
        let raw = ColumnarEngine(program: catalog.program).evaluate(policies: policies, columns: columns, asOf: try XCTUnwrap(asOf))
        var decided = raw
        BatchDecisions.applyExclusiveGroups(&decided, policies: policies)
        return (raw, decided)
    }

    func testEveryEntitysExplanationIsTheEnginesDecisionForEveryPolicy() throws {
        let day = try XCTUnwrap(asOf)
        let (raw, decided) = try population()
        var checked = 0, excluded = 0
        for subject in decided.populations.keys.sorted() {
            let ids = try XCTUnwrap(decided.populations[subject]).ids
            for (row, id) in ids.enumerated() {
                let found = try XCTUnwrap(
                    RuleTrial.explain(key: id, entries: catalog.entries, program: catalog.program, store: store, asOf: day), id
                )
                XCTAssertEqual(found.disagreements, [:], id)
                let results = Dictionary(found.results.map { ($0.result.policy, $0) }, uniquingKeysWith: { a, _ in a })
                for (batch, decision) in zip(raw.policies, decided.policies) where batch.subject == subject {
                    let (result, granted) = try XCTUnwrap(results[batch.policyID], "\(id) \(batch.policyID)")
                    if let difference = batch.difference(from: result, at: row) { XCTFail("\(id) \(batch.policyID)：\(difference)") }
                    XCTAssertEqual(granted, decision.outcomes[row] == .eligible, "\(id) \(batch.policyID)：互斥组")
                    if decision.outcomes[row] == .excluded { excluded += 1 }
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, decided.policies.reduce(0) { $0 + $1.outcomes.count }, "every (entity, policy) pair explained")
        XCTAssertGreaterThan(excluded, 0, "the fixtures exercise a 互斥组")
    }

    /// An engine that decides one policy otherwise: the explanation shows the engine's decision
    /// (not the reference's), keeps the values read, and carries the disagreement.
    func testTheExplanationShowsTheEnginesDecisionAndWarnsWhenTheReferenceDisagrees() throws {
        let day = try XCTUnwrap(asOf)
        let (raw, _) = try population()
        // A resident eligible for a policy with an amount, and that policy.
        let people = try XCTUnwrap(raw.populations["居民"]).ids
        let target = try XCTUnwrap(raw.policies.first { $0.subject == "居民" && $0.amountFen.contains { $0 > 0 } })
        let row = try XCTUnwrap(target.outcomes.indices.first { target.outcomes[$0] == .eligible && target.amountFen[$0] > 0 })
        let last = target.conditions.count - 1
        let engine = ColumnarEngine(program: catalog.program, workers: 1)
        let found = try XCTUnwrap(RuleTrial.explain(
            key: people[row], entries: catalog.entries, program: catalog.program, store: store, asOf: day
        ) { policies, columns in
            var result = engine.evaluate(policies: policies, columns: columns, asOf: day)
            for index in result.policies.indices where result.policies[index].policyID == target.policyID {
                result.policies[index].outcomes[0] = .ineligible
                result.policies[index].amountFen[0] = 0
                result.policies[index].conditions[last].known[0] = true
                result.policies[index].conditions[last].truth[0] = false
            }
            return result
        })
        let result = try XCTUnwrap(found.results.first { $0.result.policy == target.policyID })
        XCTAssertEqual(result.result.outcome, .ineligible, "the engine's outcome, not the reference's")
        XCTAssertNil(result.result.amountValue)
        XCTAssertFalse(result.granted)
        let condition = try XCTUnwrap(result.result.conditions.first { $0.name == target.conditions[last].name })
        XCTAssertEqual(condition.value, .no)
        XCTAssertFalse(condition.inputs.isEmpty, "the values read still come from the reference's explaining pass")
        let warning = try XCTUnwrap(found.disagreements[target.policyID])
        XCTAssertTrue(warning.contains("结果：参考 符合，引擎 不符合"), warning)
        XCTAssertTrue(warning.contains("参考 是，引擎 否"), warning)
        XCTAssertEqual(Array(found.disagreements.keys), [target.policyID], "the other policies agree")
    }
}
