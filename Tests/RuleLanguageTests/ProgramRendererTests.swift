import Datasets
import Diagnostics
import MianshenTesting
import RuleLanguage
import XCTest

/// The canonical Chinese text of conditionals, percentages and amounts in 万元: as written.
final class ProgramRendererTests: XCTestCase {
    func testConditionalsPercentagesAndWanReadBackAsWritten() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let source = SourceFile(name: "r.policy", text: """
            事实 大型企业：从业人数 >= 300 人
            政策 QY-1 “示例”
              领域 惠企
              对象 企业
              方式 直接兑现
              条件 裁员率达标：若 从业人数 <= 30 人 则 裁员率 <= 20 % 否则 裁员率 <= 5.5 %
              金额 失业保险缴费 * (若 大型企业 则 30 % 否则 60 %) 上限 50 万元
            结束
            政策 QY-2 “示例”
              领域 惠企
              对象 企业
              方式 直接兑现
              金额 若 大型企业 则 1000 元 否则 若 (若 从业人数 > 10 人 则 是 否则 否) 则 2000 元 否则 3000 元
            结束
            政策 QY-3 “示例”
              领域 惠企
              对象 企业
              方式 直接兑现
              预算 1.5 万元
              金额 按 营业收入 分档
                [2000, 5000) 10 万元
                [5000, 以上) 60 % * (营业收入 - 5000 万元)
              结束
            结束
            """)
        let output = RuleCompiler.compile([source], schemas: schemas)
        let program = try XCTUnwrap(output.program, "\(output.diagnostics)")
        let renderer = ProgramRenderer(program: program, schemas: schemas)
        let one = try XCTUnwrap(program.policy("QY-1"))
        XCTAssertEqual(renderer.render(one.conditions[0].node), "若 从业人数 <= 30 则 裁员率（%） <= 20 否则 裁员率（%） <= 5.5")
        XCTAssertEqual(
            renderer.render(try XCTUnwrap(one.amount)),
            "失业保险缴费（万元） * (若 从业人数 >= 300 则 30 % 否则 60 %) 万元，上限 50 万元"
        )
        XCTAssertTrue(renderer.canonicalText(of: one).contains("金额 失业保险缴费（万元） * (若 从业人数 >= 300 则 30 % 否则 60 %) 万元"))
        XCTAssertEqual(
            renderer.render(try XCTUnwrap(program.policy("QY-2")?.amount)),
            "若 从业人数 >= 300 则 1000 元 否则 若 (若 从业人数 > 10 则 是 否则 否) 则 2000 元 否则 3000 元"
        )
        XCTAssertEqual(program.policy("QY-3")?.budget, "15000", "a budget in 万元 is kept in 元")
        XCTAssertEqual(
            renderer.render(try XCTUnwrap(program.policy("QY-3")?.amount)),
            "按 营业收入（万元） 分档：[2000, 5000) 10 万元；[5000, 以上) 60 % * (营业收入（万元） - 5000) 万元"
        )
    }

    /// `rules show` names shared facts and lists their definitions, with brackets only where
    /// precedence needs them; the canonical text (what approvals bind to) stays fully expanded.
    func testPeopleSeeNamesAndPlainPrecedenceWhileTheCanonicalTextExpands() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let source = SourceFile(name: "s.policy", text: """
            事实 大型企业：(行业代码 属于 (C) 且 从业人数 >= 1000 人) 或 (行业代码 属于 (F51) 且 从业人数 >= 200 人) 或 从业人数 >= 5000 人
            条件 本区注册 “注册地在二七区”：注册地 属于 二七区
            政策 QY-1 “示例”
              领域 惠企
              依据 “示例”
              对象 企业
              方式 直接兑现
              条件 本区注册
              条件 不大：非 大型企业 且 (从业人数 - 10 人) * 2 > 4 人
              金额 失业保险缴费 * (若 大型企业 则 30 % 否则 60 %)
            结束
            """)
        let output = RuleCompiler.compile([source], schemas: schemas)
        let program = try XCTUnwrap(output.program, "\(output.diagnostics)")
        let shown = ProgramRenderer(program: program, schemas: schemas, showsNames: true)
        let policy = try XCTUnwrap(program.policy("QY-1"))
        XCTAssertEqual(shown.definition(policy.conditions[0].node), "注册地 属于 二七区", "a condition line shows its formula")
        XCTAssertEqual(shown.definition(policy.conditions[1].node), "非 大型企业 且 (从业人数 - 10 人) * 2 > 4 人")
        XCTAssertEqual(
            shown.render(try XCTUnwrap(policy.amount)), "失业保险缴费（万元） * (若 大型企业 则 30 % 否则 60 %) * 10000 元",
            "computed in 万元, paid in 元: the conversion is shown"
        )
        let definitions = shown.namedDefinitions(expanded: policy.conditions.map(\.node), other: shown.amountRoots(policy.amount))
        XCTAssertEqual(definitions.map(\.name), ["大型企业"])
        let node = try XCTUnwrap(definitions.first?.node)
        XCTAssertEqual(shown.alternatives(node), [
            "行业代码（GB/T 4754-2017） 属于 C 且 从业人数 >= 1000 人",
            "或 行业代码（GB/T 4754-2017） 属于 F51 且 从业人数 >= 200 人",
            "或 从业人数 >= 5000 人",
        ])
        let canonical = ProgramRenderer(program: program, schemas: schemas).canonicalText(of: policy)
        XCTAssertFalse(canonical.contains("大型企业"), "approvals bind to the expanded definition")
        XCTAssertTrue(canonical.contains("从业人数 >= 5000"), canonical)
    }

    func testBudgetsInWanConvertExactlyAndOtherUnitsAreRejected() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        func budget(_ written: String) -> (String?, [String]) {
            let source = SourceFile(name: "b.policy", text: """
                政策 QY-1 “示例”
                  领域 惠企
                  对象 企业
                  方式 提醒
                  预算 \(written)
                结束
                """)
            let output = RuleCompiler.compile([source], schemas: schemas)
            return (output.program?.policy("QY-1")?.budget, output.diagnostics.filter { $0.severity == .error }.map(\.code))
        }
        XCTAssertEqual(budget("500 万元").0, "5000000")
        XCTAssertEqual(budget("0.00005 万元").0, "0.5")
        XCTAssertEqual(budget("12.345678 万元").0, "123456.78")
        XCTAssertEqual(budget("0 万元").0, "0")
        XCTAssertEqual(budget("1200000 元").0, "1200000")
        XCTAssertEqual(budget("1200000").0, "1200000")
        XCTAssertEqual(budget("30 亩").1, ["E202"])
    }

    /// What people read keeps the units written on literals and says an amount computed in 万元 is
    /// paid in 元; the canonical text approvals bind to is exactly what it always was (bare
    /// numbers), and marking a condition 前提 changes that line only.
    func testUnitsForPeopleWhileTheCanonicalTextStaysAsItWas() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let text = """
            政策 QY-1 “示例”
              领域 惠企
              依据 “示例”
              对象 企业
              方式 直接兑现
              条件 本区注册 “注册地在二七区”：注册地 属于 二七区
              条件 小 “参保职工 30 人及以下”：参保职工人数 <= 30 人 且 裁员率 <= 20 %
              金额 失业保险缴费 * 60 % 上限 50 万元
            结束
            """
        func compile(_ text: String) throws -> (Program, CompiledPolicy) {
            let output = RuleCompiler.compile([SourceFile(name: "惠企/示例.policy", text: text)], schemas: schemas)
            let program = try XCTUnwrap(output.program, "\(output.diagnostics)")
            return (program, try XCTUnwrap(program.policy("QY-1")))
        }
        let (program, policy) = try compile(text)
        let canonical = ProgramRenderer(program: program, schemas: schemas).canonicalText(of: policy)
        XCTAssertEqual(canonical, """
            政策 QY-1 示例
            领域 惠企
            部门 \("")
            依据 示例
            对象 企业
            领取人 \("")
            方式 直接兑现
            有效期 \("")
            周期 \("")
            预算 \("")
            互斥 \("")
            版本 \("")
            条件 本区注册 “注册地在二七区” 依据 “”：注册地 属于 二七区
            条件 小 “参保职工 30 人及以下” 依据 “”：(参保职工人数 <= 30) 且 (裁员率（%） <= 20)
            金额 失业保险缴费（万元） * 60 % 万元，上限 50 万元
            """)
        let shown = ProgramRenderer(program: program, schemas: schemas, showsNames: true)
        XCTAssertEqual(shown.render(policy.conditions[1].node), "参保职工人数 <= 30 人 且 裁员率（%） <= 20 %")
        XCTAssertEqual(shown.render(try XCTUnwrap(policy.amount)), "失业保险缴费（万元） * 60 % * 10000 元，上限 50 万元")
        XCTAssertEqual(policy.file, "惠企/示例.policy")
        XCTAssertFalse(policy.hasPremises)

        let (marked, premised) = try compile(text.replacingOccurrences(of: "  条件 本区注册", with: "  前提 本区注册"))
        XCTAssertEqual(premised.conditions.map(\.premise), [true, false])
        XCTAssertTrue(premised.hasPremises)
        XCTAssertFalse(premised.reportsNearMisses, "one condition besides the 前提: a near miss is anyone in scope who fails")
        let markedText = ProgramRenderer(program: marked, schemas: schemas).canonicalText(of: premised)
        XCTAssertEqual(
            markedText, canonical.replacingOccurrences(of: "条件 本区注册", with: "前提 本区注册"),
            "the 前提 line, and nothing else, reads differently"
        )
    }

    /// `rules show` names the file a definition is written in: a fact defined in a policy file is
    /// not in Rules/common/.
    func testDefinitionsKnowTheirFile() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let common = SourceFile(name: "Rules/common/本区.policy", text: "事实 规模大 “规模大”：从业人数 >= 300 人\n")
        let own = SourceFile(name: "Rules/惠企/返还.policy", text: """
            事实 缴费多 “缴费 10 万元以上”：失业保险缴费 > 10 万元
            政策 QY-1 “示例”
              领域 惠企
              依据 “示例”
              对象 企业
              方式 直接兑现
              条件 大户 “规模大、缴费多”：规模大 且 缴费多
              金额 1000 元
            结束
            """)
        let output = RuleCompiler.compile([own, common], schemas: schemas)
        let program = try XCTUnwrap(output.program, "\(output.diagnostics)")
        XCTAssertEqual(program.definitionFiles["缴费多"], "Rules/惠企/返还.policy")
        XCTAssertEqual(program.definitionFiles["规模大"], "Rules/common/本区.policy")
    }
}
