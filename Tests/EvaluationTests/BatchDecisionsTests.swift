import Datasets
import Evaluation
import MianshenTesting
import RuleLanguage
import XCTest

/// 互斥组 and budgets over a whole raw BatchResult, and the compact bytes a run keeps.
final class BatchDecisionsTests: XCTestCase {
    let rules = """
        政策 A “甲”
          领域 惠企
          对象 企业
          方式 直接兑现
          互斥 组 优先级 2 就高
          条件 真：已填(成立日期) 或 未填(成立日期)
          金额 100 元
        结束
        政策 B “乙”
          领域 惠企
          对象 企业
          方式 直接兑现
          互斥 组 优先级 1 就高
          条件 真：已填(成立日期) 或 未填(成立日期)
          金额 100 元
        结束
        政策 C “丙”
          领域 养老
          对象 居民
          方式 直接兑现
          周期 月
          预算 2500 元
          发放顺序 按 出生日期 降序
          条件 真：已填(出生日期) 或 未填(出生日期)
          金额 100 元
        结束
        政策 D “丁”
          领域 养老
          对象 居民
          方式 直接兑现
          周期 年
          预算 250 元
          条件 真：已填(出生日期) 或 未填(出生日期)
          金额 100 元
        结束
        """
    var program: Program!

    override func setUpWithError() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let output = RuleCompiler.compile([SourceFile(name: "t.policy", text: rules)], schemas: schemas)
        program = try XCTUnwrap(output.program, "\(output.diagnostics)")
    }

    func batch(_ id: String, _ subject: String, _ outcomes: [BatchOutcome], _ fen: [Int64]) -> PolicyBatch {
        PolicyBatch(
            policyID: id, subject: subject, outcomes: outcomes, amountFen: fen, conditions: [],
            amountKnown: Bitset(count: outcomes.count, filled: true)
        )
    }

    func testExclusiveGroupTakesTheLargerAmountThenTheSmallerPriority() {
        // Entity 0: A pays more (A wins); 1: equal amounts (B, priority 1, wins); 2: only A eligible;
        // 3: A unknown, B eligible (B kept: only eligible results compete).
        var result = BatchResult(
            asOf: Day(daysSinceEpoch: 0), populations: ["企业": BatchPopulation(subject: "企业", ids: ["1", "2", "3", "4"])],
            policies: [
                batch("A", "企业", [.eligible, .eligible, .eligible, .unknown], [20_000, 10_000, 10_000, 0]),
                batch("B", "企业", [.eligible, .eligible, .ineligible, .eligible], [10_000, 10_000, 0, 10_000]),
            ]
        )
        BatchDecisions.apply(&result, policies: program.policies)
        XCTAssertEqual(result.policies[0].outcomes, [.eligible, .excluded, .eligible, .unknown])
        XCTAssertEqual(result.policies[1].outcomes, [.excluded, .eligible, .ineligible, .eligible])
        XCTAssertEqual(result.policies[1].amountFen[0], 10_000, "an excluded entity keeps what it would have received")
    }

    func testMonthlyBudgetIsYearlyAndGrantsInTheDeclaredOrderUntilSpent() {
        // C: 100 元 a month = 1200 a year each; 2500 a year covers two. 降序 by birth date: the
        // youngest first; the one without a birth date last.
        let population = BatchPopulation(subject: "居民", ids: ["a", "b", "c", "d"])
        var result = BatchResult(
            asOf: Day(daysSinceEpoch: 0), populations: ["居民": population],
            policies: [batch("C", "居民", [.eligible, .eligible, .ineligible, .eligible], [10_000, 10_000, 0, 10_000])]
        )
        BatchDecisions.apply(&result, policies: program.policies, orderKeys: ["C": [100, nil, 500, 300]])
        XCTAssertEqual(result.policies[0].outcomes, [.eligible, .overBudget, .ineligible, .eligible], "d (300) then a (100); b has no value")
        XCTAssertEqual(result.policies[0].amountFen[1], 10_000)

        var ascending = result
        ascending.policies = [batch("C", "居民", [.eligible, .eligible, .ineligible, .eligible], [10_000, 10_000, 0, 10_000])]
        BatchDecisions.apply(&ascending, policies: program.policies, orderKeys: ["C": [1, 1, 1, 1]])
        XCTAssertEqual(ascending.policies[0].outcomes, [.eligible, .eligible, .ineligible, .overBudget], "ties by entity id")
    }

    func testWithoutOrderByEntityIdAndTheFirstThatDoesNotFitStopsGranting() {
        // D: 250 a year; amounts 100, 200, 100: 100 fits, 200 does not (300 > 250), and the third is
        // not granted ahead of the second although it would fit.
        var result = BatchResult(
            asOf: Day(daysSinceEpoch: 0), populations: ["居民": BatchPopulation(subject: "居民", ids: ["a", "b", "c"])],
            policies: [batch("D", "居民", [.eligible, .eligible, .eligible], [10_000, 20_000, 10_000])]
        )
        BatchDecisions.apply(&result, policies: program.policies)
        XCTAssertEqual(result.policies[0].outcomes, [.eligible, .overBudget, .overBudget])
        XCTAssertEqual(BatchDecisions.yearlyBudgetFen(try XCTUnwrap(program.policy("D"))), 25_000)
    }

    func testOrderKeysOfDatesAndNumbers() {
        XCTAssertEqual(BatchDecisions.orderKey(.date(Day(daysSinceEpoch: 7))), 7)
        XCTAssertEqual(BatchDecisions.orderKey(.decimal(12_345)), 12_345)
        XCTAssertNil(BatchDecisions.orderKey(.null))
        XCTAssertNil(BatchDecisions.orderKey(nil))
    }

    func testBitsetsAndRowsRoundTripCompactly() throws {
        var sparse = Bitset(count: 10_000)
        sparse[3] = true
        sparse[9_999] = true
        let full = Bitset(count: 10_000, filled: true)
        var mixed = Bitset(count: 130)
        for i in stride(from: 0, to: 130, by: 3) { mixed[i] = true }
        let bytes = BatchEncoding.encode([sparse, full, Bitset(count: 10_000)])
        XCTAssertLessThan(bytes.count, 80, "mostly equal words: a few runs, not 3 × 157 words")
        XCTAssertEqual(BatchEncoding.decodeBitsets(bytes, count: 10_000), [sparse, full, Bitset(count: 10_000)])
        XCTAssertEqual(BatchEncoding.decodeBitsets(BatchEncoding.encode([mixed]), count: 130), [mixed])
        XCTAssertNil(BatchEncoding.decodeBitsets(Array(bytes.dropLast()), count: 10_000), "truncated")

        let outcomes: [BatchOutcome] = [.ineligible, .eligible, .unknown, .ineligible, .overBudget, .excluded]
        let fen: [Int64] = [0, 12_345, 0, 0, 99, -5]
        let rows = BatchEncoding.encodeRows(outcomes: outcomes, amountFen: fen)
        let decoded = try XCTUnwrap(BatchEncoding.decodeRows(rows, count: 6))
        XCTAssertEqual(decoded.outcomes, outcomes)
        XCTAssertEqual(decoded.amountFen, fen)
        XCTAssertNil(BatchEncoding.decodeRows(rows, count: 4), "a row past the population")
    }

    // Budgets across nights: what the ledger granted earlier in the period.
    func testHoldersKeepTheirGrantAndTheBudgetLeftIsWhatTheLedgerHasNotGranted() {
        // C: 2500 a year, 1200 a year each. The ledger: b holds 100 a month (an earlier night).
        // 降序 would grant d then a; b is kept and counted, so only one more fits: d.
        let population = BatchPopulation(subject: "居民", ids: ["a", "b", "c", "d"])
        var result = BatchResult(
            asOf: Day(daysSinceEpoch: 0), populations: ["居民": population],
            policies: [batch("C", "居民", [.eligible, .eligible, .ineligible, .eligible], [10_000, 10_000, 0, 10_000])]
        )
        let granted = BatchDecisions.Granted(totalFen: 10_000, held: [nil, 10_000, nil, nil])
        BatchDecisions.apply(&result, policies: program.policies, orderKeys: ["C": [100, 1, 500, 300]], granted: ["C": granted])
        XCTAssertEqual(result.policies[0].outcomes, [.overBudget, .eligible, .ineligible, .eligible])

        // A grant held by someone no longer eligible (c) still counts: the money was granted.
        var spent = result
        spent.policies = [batch("C", "居民", [.eligible, .eligible, .ineligible, .eligible], [10_000, 10_000, 0, 10_000])]
        let held = BatchDecisions.Granted(totalFen: 20_000, held: [nil, 10_000, 10_000, nil])
        BatchDecisions.apply(&spent, policies: program.policies, orderKeys: ["C": [100, 1, 500, 300]], granted: ["C": held])
        XCTAssertEqual(spent.policies[0].outcomes, [.overBudget, .eligible, .ineligible, .overBudget])
    }

    /// Misaligned ledger arrays or order keys are an internal error `apply` stops on, never a
    /// silent fallback to granting by id or ignoring the ledger.
    func testMisalignedKeysOrLedgerArraysAreNamed() {
        let population = BatchPopulation(subject: "居民", ids: ["a", "b", "c", "d"])
        let result = BatchResult(
            asOf: Day(daysSinceEpoch: 0), populations: ["居民": population],
            policies: [batch("C", "居民", [.eligible, .eligible, .ineligible, .eligible], [10_000, 10_000, 0, 10_000])]
        )
        XCTAssertNil(BatchDecisions.misalignment(result, orderKeys: ["C": [1, 2, 3, 4], "X": [1]], granted: [:]))
        let keys = BatchDecisions.misalignment(result, orderKeys: ["C": [1, 2, 3]], granted: [:])
        XCTAssertEqual(keys, "BatchDecisions：政策 C 的发放顺序键有 3 个，对象有 4 个（未与对象对齐）。")
        let held = BatchDecisions.misalignment(result, orderKeys: [:], granted: ["C": BatchDecisions.Granted(totalFen: 0, held: [nil])])
        XCTAssertEqual(held, "BatchDecisions：政策 C 的台账已发放数组有 1 项，对象有 4 个（未与对象对齐）。")
    }
}
