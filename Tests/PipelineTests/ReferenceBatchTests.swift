import Datasets
import Evaluation
import Foundation
import Logging
import MianshenTesting
import Pipeline
import RuleLanguage
import Store
import XCTest

/// The oracle batch decides as `rules try` tallies: on the fixtures and the whole library, every
/// policy's counts of eligible (granted), excluded, unknown, ineligible and near misses agree,
/// populations are sorted by id, and a stored run reads back bit for bit.
final class ReferenceBatchTests: XCTestCase {
    func testOracleBatchAgreesWithTheTrialAndReadsBackFromTheStore() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let store = try ProfileStore(path: dir.file("t.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for kind in [DatasetKind.residents, .enterprises, .licences] {
            _ = try importer.run(ImportRequest(kind: kind, path: RepositoryPaths.fixture("\(kind.rawValue).csv"), maxBadRate: 0.5))
        }
        let catalog = try RuleCatalog.entries(rulesDirectory: RepositoryPaths.root + "/Rules", schemas: schemas)
        let program = try XCTUnwrap(catalog.program)
        let asOf = try XCTUnwrap(Day.parse("2025-12-01"))
        let trial = try RuleTrial.run(entries: catalog.entries, program: program, store: store, asOf: asOf)
        let run = try BatchRun.execute(entries: catalog.entries, program: program, store: store, asOf: asOf, includeDrafts: true)

        for population in run.result.populations.values {
            XCTAssertEqual(population.ids, population.ids.sorted(), population.subject)
            XCTAssertEqual(Set(population.ids).count, population.count, "\(population.subject): one row per entity")
        }
        for tally in trial.tallies {
            let batch = try XCTUnwrap(run.result.policies.first { $0.policyID == tally.id })
            func count(_ outcome: BatchOutcome) -> Int { batch.outcomes.filter { $0 == outcome }.count }
            XCTAssertEqual(count(.overBudget), 0, "\(tally.id): the fixtures stay within every budget")
            XCTAssertEqual(
                [count(.eligible), count(.excluded), count(.unknown), count(.ineligible)],
                [tally.granted, tally.excluded, tally.manualReview, tally.ineligible], tally.id
            )
            if let near = tally.nearMisses {
                let premises = try XCTUnwrap(run.info[tally.id]).conditions.map(\.premise)
                XCTAssertEqual(NearMisses.find(batch, premises: premises).count, near, "\(tally.id): near misses")
            }
        }
        XCTAssertTrue(run.result.policies.contains { $0.outcomes.contains(.excluded) }, "the fixtures exercise a 互斥组")
        // `run` is the columnar engine; the oracle, run the same way, gives the same bytes.
        XCTAssertEqual(run.record.engine, ColumnarBatch.engineVersion)
        let oracle = try BatchRun.execute(
            entries: catalog.entries, program: program, store: store, asOf: asOf, includeDrafts: true, engine: ReferenceBatch.self
        )
        XCTAssertEqual(oracle.record.resultsSHA256, run.record.resultsSHA256, "the engine's results equal the oracle's")
        XCTAssertEqual(oracle.result.populations, run.result.populations)
        for (a, b) in zip(oracle.result.policies, run.result.policies) {
            XCTAssertEqual(a.conditions, b.conditions, "\(a.policyID): every condition's bits")
            XCTAssertEqual(a.amountKnown, b.amountKnown, a.policyID)
        }
        // 发放顺序 keys come from the store under the ids results use, households by 户号.
        let households = try store.fieldValues(.residents, field: "birth_date", unit: .householdHead)
        XCTAssertEqual(Set(households.keys), Set(try XCTUnwrap(run.result.populations["家庭"]).ids))
        let people = try store.fieldValues(.residents, field: "birth_date")
        XCTAssertEqual(Set(people.keys), Set(try XCTUnwrap(run.result.populations["居民"]).ids))
        // Aligned to a population, the same values as by id (households by 户号, their standing member's).
        for (subject, unit, byID) in [("居民", ScanUnit.each, people), ("家庭", .householdHead, households)] {
            let ids = try XCTUnwrap(run.result.populations[subject]).ids
            let aligned = try store.fieldValues(.residents, field: "birth_date", unit: unit, alignedTo: ids)
            XCTAssertEqual(aligned, ids.map { byID[$0] }, subject)
        }
        let keys = try BatchRun.grantOrderKeys(catalog.entries.map(\.policy), run.result, store)
        XCTAssertEqual(Set(keys.keys), ["QY-GXRD", "YL-GLJT"], "the library's policies with a budget and a 发放顺序")
        XCTAssertEqual(keys["YL-GLJT"]?.count, run.result.populations["居民"]?.count)
        // The engine takes the same keys from its own columns (no second read of the store).
        let policies = catalog.entries.map(\.policy)
        let columns = try store.loadColumns(ColumnarEngine.columnRequest(program: program, policies: policies))
        XCTAssertEqual(ColumnarEngine.grantOrderKeys(policies, columns: columns), keys)
        XCTAssertTrue(keys["QY-GXRD"]?.contains { $0 != nil } == true, "some firms have a 高新 certificate date")

        let loaded = try XCTUnwrap(BatchRun.load(store: store, id: run.record.id))
        XCTAssertEqual(try XCTUnwrap(BatchRun.load(store: store, id: nil)).record.id, oracle.record.id, "--run defaults to the latest")
        XCTAssertEqual(loaded.result.populations, run.result.populations)
        for (read, written) in zip(loaded.result.policies, run.result.policies) {
            XCTAssertEqual(read.policyID, written.policyID)
            XCTAssertEqual(read.outcomes, written.outcomes, read.policyID)
            XCTAssertEqual(read.amountFen, written.amountFen, read.policyID)
            XCTAssertEqual(read.conditions, written.conditions, read.policyID)
            XCTAssertEqual(read.amountKnown, written.amountKnown, read.policyID)
        }
        XCTAssertEqual(ResultsExport.sha256(loaded.result), run.record.resultsSHA256)
    }
}
