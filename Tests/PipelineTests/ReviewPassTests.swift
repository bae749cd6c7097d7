import Datasets
import Evaluation
import Foundation
import Logging
import MianshenTesting
import Pipeline
import RuleLanguage
import Store
import XCTest

/// A reviewer's decision enters the run before 互斥组 and budgets: a decided-eligible row spends
/// budget like any other, and both engines (the columnar one, which hands its columns over, and
/// the reference one, whose run loads them) give the same decided result.
final class ReviewPassTests: XCTestCase {
    private func policy(budget: Int) -> String {
        """
        政策 T-BD “预算试算”
          领域 助医
          对象 居民
          方式 直接兑现
          周期 年
          预算 \(budget) 元
          发放顺序 按 出生日期 升序
          条件 居民医保 “参加城乡居民医保”：医保类型 = 城乡居民
          金额 100 元
        结束
        """
    }

    func testADecidedEligibleRowSpendsBudgetInBothEngines() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let store = try ProfileStore(path: dir.file("r.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        _ = try importer.run(ImportRequest(kind: .residents, path: RepositoryPaths.fixture("residents.csv"), maxBadRate: 0.5))
        let asOf = try XCTUnwrap(Day.parse("2025-12-01"))
        func run(budget: Int, engine: any BatchEngine.Type = ColumnarBatch.self) throws -> (LoadedRun, PolicyBatch) {
            _ = try dir.write("预算.policy", policy(budget: budget))
            let catalog = try RuleCatalog.entries(rulesDirectory: dir.path, schemas: schemas)
            let loaded = try BatchRun.execute(
                entries: catalog.entries, program: try XCTUnwrap(catalog.program), store: store, asOf: asOf, includeDrafts: true,
                engine: engine, opensReviewItems: true
            )
            return (loaded, try XCTUnwrap(loaded.result.policies.first))
        }
        func count(_ batch: PolicyBatch, _ outcome: BatchOutcome) -> Int { batch.outcomes.filter { $0 == outcome }.count }

        let (first, plenty) = try run(budget: 100_000_000)
        let eligible = count(plenty, .eligible), unknown = count(plenty, .unknown)
        XCTAssertGreaterThan(eligible, 0)
        XCTAssertGreaterThan(unknown, 0)
        XCTAssertEqual(first.reviews?.opened, unknown)
        let items = try store.reviewItems(status: .open, policy: "T-BD")
        XCTAssertEqual(items.count, unknown)
        XCTAssertEqual(items.first?.missing, ["医保类型"])
        XCTAssertEqual(items.first?.needsAmount, true)

        let item = try XCTUnwrap(items.first)
        _ = try store.decideReviewItem(item.id, outcome: .eligible, amountFen: 10_000, reason: "核实已参保", reviewer: "李四")
        // Exactly what the engine's own eligible rows need: one of the now eligible rows is over budget.
        let (columnar, spent) = try run(budget: eligible * 100)
        XCTAssertEqual(columnar.reviews?.applied, 1)
        XCTAssertEqual(count(spent, .eligible), eligible)
        XCTAssertEqual(count(spent, .overBudget), 1)
        XCTAssertEqual(count(spent, .unknown), unknown - 1)
        let row = try XCTUnwrap(columnar.result.populations["居民"]?.ids.firstIndex(of: item.entityID))
        XCTAssertTrue([.eligible, .overBudget].contains(spent.outcomes[row]), "\(spent.outcomes[row])")
        XCTAssertEqual(spent.amountFen[row], 10_000)

        let (reference, _) = try run(budget: eligible * 100, engine: ReferenceBatch.self)
        XCTAssertEqual(reference.record.resultsSHA256, columnar.record.resultsSHA256)
        XCTAssertEqual(reference.reviews?.applied, 1)
        XCTAssertEqual(reference.reviews?.opened, 0, "the same inputs: nothing opened again")
    }
}
