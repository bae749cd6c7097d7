import Datasets
import Evaluation
import Generator
import Logging
import MianshenTesting
import Pipeline
import RuleLanguage
import Store
import XCTest

/// The columnar engine against the reference evaluator on a generated district (households,
/// licences, missing values, 1 % corrupted rows quarantined): every outcome, amount and
/// condition of every policy of the library, before and after a parameter change (2025-03-01).
final class EngineDifferentialTests: XCTestCase {
    /// The size is 20,000 residents / 4,000 enterprises; the reference side dominates.
    static let residents = 20_000, enterprises = 4_000

    func testEngineAgreesWithReferenceOnGeneratedDistrict() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let out = dir.file("gen")
        _ = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
            residents: Self.residents, enterprises: Self.enterprises, outputDirectory: out, seed: 7, badRate: 0.01
        )).run()
        let store = try ProfileStore(path: dir.file("d.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for kind in DatasetKind.allCases {
            _ = try importer.run(ImportRequest(kind: kind, path: out + "/\(kind.rawValue).csv", maxBadRate: 0.2))
        }
        let catalog = try RuleCatalog.entries(rulesDirectory: RepositoryPaths.rules, schemas: schemas)
        let program = try XCTUnwrap(catalog.program)
        let policies = catalog.entries.map(\.policy)
        XCTAssertGreaterThan(policies.count, 10)
        for asOf in ["2025-02-15", "2025-06-01"] {
            let day = try XCTUnwrap(Day.parse(asOf))
            let report = try EngineVerification.run(policies: policies, program: program, store: store, asOf: day)
            XCTAssertGreaterThan(report.compared, Self.residents / 2, asOf)
            for mismatch in report.mismatches.prefix(10) {
                XCTFail("\(asOf) \(mismatch.subject) \(mismatch.entity) \(mismatch.policy)：\(mismatch.detail)")
            }
            XCTAssertEqual(report.mismatches.count, 0, asOf)
            // The comparison is not vacuous: each outcome occurs, and some amounts are paid.
            let outcomes = Set(report.result.policies.flatMap(\.outcomes))
            XCTAssertEqual(outcomes, [.eligible, .ineligible, .unknown], asOf)
            XCTAssertGreaterThan(report.result.policies.map { $0.amountFen.reduce(0, +) }.reduce(0, +), 0, asOf)
            // …and the kernels decided it, not the reference fallback.
            let columns = try store.loadColumns(ColumnarEngine.columnRequest(program: program, policies: policies))
            XCTAssertEqual(ColumnarEngine(program: program).policiesDecidedByReference(policies, columns: columns, asOf: day), [])
            // `rules try` on the engine reports what it reported with the reference evaluator.
            let columnar = try RuleTrial.runColumnar(entries: catalog.entries, program: program, store: store, asOf: day)
            let reference = try RuleTrial.run(entries: catalog.entries, program: program, store: store, asOf: day)
            XCTAssertEqual(columnar.scanned, reference.scanned, asOf)
            for (c, r) in zip(columnar.tallies, reference.tallies) {
                let fields: (RuleTrial.Tally) -> [String] = { t in
                    [t.id, "\(t.evaluated)", "\(t.granted)", "\(t.excluded)", "\(t.ineligible)", "\(t.manualReview)",
                     "\(t.nearMisses ?? -1)", t.totalText, t.excludedTotalText, "\(t.failing.sorted { $0.key < $1.key })",
                     "\(t.undecided.sorted { $0.key < $1.key })"]
                }
                XCTAssertEqual(fields(c), fields(r), asOf)
            }
            // `rules try --against` too (the baseline without one policy: gained, and the rest equal).
            let now = RuleComparison.Version(entries: catalog.entries, program: program)
            let before = RuleComparison.Version(entries: Array(catalog.entries.dropFirst()), program: program)
            let fast = try RuleComparison.runColumnar(current: now, baseline: before, store: store, asOf: day)
            let slow = try RuleComparison.run(current: now, baseline: before, store: store, asOf: day)
            XCTAssertEqual(fast.scanned, slow.scanned, asOf)
            let describe: (RuleComparison.Row) -> String = { row in
                "\(row.id) \(row.title) \(row.inCurrent) \(row.inBaseline) \(row.eligibleNow) \(row.eligibleBefore) \(row.gained) \(row.lost) \(row.totalNowText) \(row.totalBeforeText)"
            }
            XCTAssertEqual(fast.rows.map(describe), slow.rows.map(describe), asOf)
            XCTAssertGreaterThan(fast.rows.map(\.gained).reduce(0, +), 0, asOf)
        }
    }
}
