import Datasets
import Diagnostics
import RuleLanguage
import XCTest

final class ParserTests: XCTestCase {
    func parse(_ source: SourceFile) -> (RuleFile, [Diagnostic]) {
        var parser = Parser(source: source)
        let file = parser.parse()
        return (file, parser.diagnostics.sorted)
    }

    let example = """
        # 共用定义
        条件 户籍在本区 “户籍在二七区” 依据 “《示例办法》第二条”：户籍地 属于 二七区
        事实 家庭人均年收入：合计(家庭成员.个人年收入) / 计数(家庭成员)
        参数 高龄津贴月标准_80 元
          自 2025-01-01 起 100 元
          自 2026-01-01 起 120 元
        结束

        政策 YL-GLJT “高龄津贴”
          领域 养老
          部门 “区民政局”
          依据 “《河南省老年人优待办法》第十条”
          对象 居民
          领取人 本人
          方式 直接兑现
          有效期 2025-01-01 至 2027-12-31
          周期 月
          预算 1200000 元
          互斥 高龄类 优先级 1 就高
          版本 1
          条件 户籍在本区
          条件 年满八十 “年满 80 周岁” 依据 “第十条”：周岁 >= 80 且 非 是否健在 = 否
          金额 按 周岁 分档 上限 300 元
            [80, 90)   高龄津贴月标准_80
            [90, 100)  200 元
            [100, 以上) 300 元
          结束
        结束
        """

    func testAWholePolicyWithSharedDefinitionsParsesWithoutDiagnostics() throws {
        let (file, diagnostics) = parse(SourceFile(name: "高龄津贴.policy", text: example))
        XCTAssertEqual(diagnostics, [])
        XCTAssertEqual(file.declarations.count, 4)
        guard case .parameter(let parameter) = file.declarations[2] else { return XCTFail("parameter expected") }
        XCTAssertEqual(parameter.values.map(\.value.value), ["100", "120"])
        XCTAssertEqual(parameter.values.map(\.from.value.description), ["2025-01-01", "2026-01-01"])
        guard case .policy(let policy) = file.declarations[3] else { return XCTFail("policy expected") }
        XCTAssertEqual(policy.id.text, "YL-GLJT")
        XCTAssertEqual(policy.title.value, "高龄津贴")
        XCTAssertEqual(policy.lines.count, 14)
        guard case .useCondition(let shared, premise: false) = policy.lines[11], case .condition(let condition) = policy.lines[12] else {
            return XCTFail("shared and inline conditions expected")
        }
        XCTAssertEqual(shared.text, "户籍在本区")
        XCTAssertEqual(condition.label?.value, "年满 80 周岁")
        guard case .binary(.and, let age, let alive) = condition.expression.kind,
              case .binary(.greaterEqual, _, _) = age.kind, case .not = alive.kind else {
            return XCTFail("且 binds looser than >=, 非 applies to the comparison")
        }
        guard case .amount(let amount) = policy.lines[13], case .tiers(_, let tiers) = amount.body else {
            return XCTFail("tiers expected")
        }
        XCTAssertEqual(tiers.map(\.lower.value), ["80", "90", "100"])
        XCTAssertEqual(tiers.map { $0.upper?.value }, ["90", "100", nil])
        XCTAssertTrue(tiers.allSatisfy { $0.lowerInclusive && !$0.upperInclusive })
        XCTAssertNotNil(amount.cap)
    }

    func testEveryMistakeIsReportedAtItsPositionAndParsingGoesOn() {
        let marked = MarkedSource("""
            1️⃣规则 A
            政策 GY-1 “测试”
              2️⃣领城 养老
              有效期 2025-01-01 3️⃣到 2026-01-01
              条件 甲：周岁 >= 4️⃣且 1
              周期 月
            5️⃣政策 GY-2 “下一个”
            结束
            """)
        let (file, diagnostics) = parse(marked.source)
        XCTAssertEqual(diagnostics.map(\.code), ["E104", "E102", "E101", "E105", "E103"])
        XCTAssertEqual(diagnostics.map(\.location), (1...5).map(marked.location))
        XCTAssertEqual(diagnostics[1].suggestion, "您是否想写“领域”？")
        XCTAssertEqual(diagnostics[4].message, "第 2 行开始的政策 GY-1 没有以“结束”收尾")
        XCTAssertEqual(file.declarations.count, 2, "both policies are still read")
    }

    func testEnglishAliasesParseToo() {
        let (file, diagnostics) = parse(SourceFile(name: "en.policy", text: """
            policy HN-1 "farmland"
              domain 惠农
              amount farmland_mu * 100 元 cap 5000 元
            end
            """))
        XCTAssertEqual(diagnostics, [])
        guard case .policy(let policy) = file.declarations.first, case .amount(let amount) = policy.lines.last,
              case .formula(let formula) = amount.body, case .binary(.times, _, _) = formula.kind else {
            return XCTFail("amount formula expected")
        }
        XCTAssertNotNil(amount.cap)
    }

    /// `前提` writes a condition line (shared by name, or the policy's own) and marks it.
    func testPremiseLinesAreConditionLinesMarked() throws {
        let (file, diagnostics) = parse(SourceFile(name: "p.policy", text: """
            政策 QY-1 “示例”
              前提 户籍在本区
              前提 本区注册 “注册地在二七区”：注册地 属于 二七区
              条件 健在
              premise 在营 “在营”：经营状态 = 在营
            结束
            """))
        XCTAssertEqual(diagnostics, [])
        guard case .policy(let policy) = file.declarations.first else { return XCTFail("policy expected") }
        guard case .useCondition(let shared, premise: true) = policy.lines[0],
              case .condition(let own) = policy.lines[1],
              case .useCondition(_, premise: false) = policy.lines[2],
              case .condition(let english) = policy.lines[3] else {
            return XCTFail("\(policy.lines)")
        }
        XCTAssertEqual(shared.text, "户籍在本区")
        XCTAssertTrue(own.premise)
        XCTAssertEqual(own.label?.value, "注册地在二七区")
        XCTAssertTrue(english.premise)

        let (_, topLevel) = parse(SourceFile(name: "q.policy", text: "前提 健在 “本人健在”：是否健在 = 是\n"))
        XCTAssertEqual(topLevel.map(\.code), ["E104"])
        XCTAssertEqual(topLevel.first?.suggestion, "“前提”写在政策里（前提 户籍在本区），标明该政策的适用范围；文件顶层的共用条件用“条件”定义。")
    }
}
