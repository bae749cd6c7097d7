import Datasets
import Diagnostics
import MianshenTesting
import RuleLanguage
import XCTest

final class CheckerTests: XCTestCase {
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    /// The errors (warnings are tested separately).
    func check(_ sources: [SourceFile]) -> [Diagnostic] {
        checkAll(sources).filter { $0.severity == .error }
    }

    func checkAll(_ sources: [SourceFile]) -> [Diagnostic] {
        var files: [RuleFile] = []
        for source in sources {
            var parser = Parser(source: source)
            files.append(parser.parse())
            XCTAssertEqual(parser.diagnostics.sorted, [], "the snippet must parse cleanly")
        }
        var checker = Checker(schemas: schemas)
        checker.check(files)
        return checker.diagnostics.sorted
    }

    let common = SourceFile(name: "common.policy", text: """
        条件 户籍在本区 “户籍在二七区”：户籍地 属于 二七区
        事实 家庭人均年收入：合计(家庭成员.个人年收入) / 计数(家庭成员)
        参数 高龄津贴月标准 元
          自 2025-01-01 起 100 元
        结束
        """)

    func testAWellFormedPolicyChecksClean() {
        let policy = SourceFile(name: "p.policy", text: """
            政策 YL-1 “高龄津贴”
              领域 养老
              对象 居民
              方式 直接兑现
              条件 户籍在本区
              条件 年满八十：周岁(出生日期) >= 80 岁 且 是否健在 = 是 且 学段 属于 (无, 本科)
              条件 低收入：家庭人均年收入 < 12000 元 或 dibao = 是
              金额 按 周岁(出生日期) 分档
                [80, 90) 高龄津贴月标准
                [90, 以上) 200 元
              结束
            结束
            """)
        XCTAssertEqual(check([common, policy]), [])
    }

    func testEachCheckerMistakeIsReportedAtItsPosition() {
        let marked = MarkedSource("""
            政策 QY-1 “示例”
              领域 惠企
              对象 2️⃣企那
              方式 直接兑现
              条件 规模：3️⃣营业收入 > 500 元
              条件 成立早：4️⃣成立日期 >= 5
              条件 缺字段：5️⃣营业收人 > 0 万元
              条件 不是条件：1️⃣从业人数 + 1
            结束
            """, name: "q.policy")
        let diagnostics = check([marked.source])
        XCTAssertEqual(diagnostics.map(\.code), ["E207", "E203", "E204", "E201", "E202"])
        XCTAssertEqual(diagnostics.map(\.location), [2, 3, 4, 5, 1].map(marked.location))
        XCTAssertEqual(diagnostics[0].suggestion, "您是否想写“企业”？")
        XCTAssertEqual(diagnostics[3].suggestion, "您是否想写“营业收入”？")
        XCTAssertTrue(diagnostics[1].suggestion?.contains("1 万元 = 10000 元") ?? false)
    }

    func testEnumValuesTiersDuplicatesAndMissingLines() {
        let marked = MarkedSource("""
            政策 2️⃣ZX-1 “助学”
              领域 助学
              条件 在读：学段 属于 (小学, 1️⃣初二)
              金额 按 年收入 分档
                [0, 1000) 100 元
                3️⃣[2000, 以上) 50 元
              结束
            结束
            政策 4️⃣ZX-1 “重复”
              领域 助学
              对象 居民
              方式 提醒
            结束
            """, name: "z.policy")
        let diagnostics = check([marked.source])
        XCTAssertEqual(diagnostics.map(\.code), ["E209", "E209", "E207", "E208", "E205"])
        XCTAssertEqual(diagnostics[2].location, marked.location(1))
        XCTAssertEqual(diagnostics[2].suggestion, "您是否想写“初中”？")
        XCTAssertEqual(diagnostics[0].location, marked.location(2))
        XCTAssertEqual(diagnostics[3].location, marked.location(3))
        XCTAssertEqual(diagnostics[3].message, "分档与上一档之间有空缺")
        XCTAssertEqual(diagnostics[4].location, marked.location(4))
    }

    func testSemanticChecks() {
        let marked = MarkedSource("""
            参数 标准 元
              自 2026-01-01 起 100 元
            结束
            政策 A-1 “甲”
              领域 养老
              对象 居民
              方式 提醒
              有效期 2️⃣2025-01-01 至 2027-12-31
              互斥 高龄类 优先级 1
              条件 矛盾：1️⃣周岁(出生日期) >= 80 且 周岁(出生日期) < 60
              金额 标准
            结束
            政策 3️⃣A-2 “乙”
              领域 养老
              依据 “《示例》第一条”
              对象 居民
              方式 提醒
              互斥 高龄类 优先级 1
            结束
            """, name: "s.policy")
        let diagnostics = checkAll([marked.source])
        XCTAssertEqual(diagnostics.map(\.code), ["W201", "E211", "E210", "W202", "E212"])
        XCTAssertEqual(diagnostics[1].location, marked.location(2))
        XCTAssertEqual(diagnostics[1].message, "参数“标准”最早自 2026-01-01 起才有值，但政策自 2025-01-01 起有效")
        XCTAssertEqual(diagnostics[2].location, marked.location(1))
        XCTAssertEqual(diagnostics[3].location, marked.location(3), "A-2 has no condition")
        XCTAssertEqual(diagnostics[4].location, marked.location(3))
        XCTAssertEqual(diagnostics[0].severity, .warning)
    }
}
