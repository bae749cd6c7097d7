import Foundation
import MianshenTesting
import XCTest

/// `rules sql`: the script's parameters as literals naming their source, the decisions after
/// the policies (互斥组, 预算), the dialects' differences, and refusals of what a dialect cannot
/// write exactly. (Its results are compared with `mianshen run` by Scripts/sql-differential.sh.)
final class RulesSQLCLITests: XCTestCase {
    private func sql(_ arguments: [String], rules: String = RepositoryPaths.rules) throws -> CLIResult {
        try CLIRunner.run(["rules", "sql"] + arguments + ["--include-drafts", "--rules", rules])
    }

    func testParametersAreLiteralsOfTheAsOfDateNamingTheirSourceLine() throws {
        let lines = try String(contentsOfFile: RepositoryPaths.rules + "/助学/普通高中国家助学金.policy", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let line = try XCTUnwrap(lines.firstIndex { $0.contains("自 2024-09-01 起") }) + 1
        let february = try sql(["ZX-GZZX", "--dialect", "duckdb", "--as-of", "2025-02-01"])
        XCTAssertEqual(february.status, 0, february.stderr)
        XCTAssertTrue(
            february.stdout.contains("2000 /* 参数 高中国家助学金标准：自 2024-09-01 起，\(RepositoryPaths.rules)/助学/普通高中国家助学金.policy:\(line) */"),
            february.stdout
        )
        XCTAssertFalse(february.stdout.contains("2300 /*"), february.stdout)
        let march = try sql(["ZX-GZZX", "--dialect", "duckdb", "--as-of", "2025-03-01"])
        XCTAssertTrue(march.stdout.contains("2300 /* 参数 高中国家助学金标准：自 2025-03-01 起"), march.stdout)
        // Only the policy asked for, and the results SELECT last.
        XCTAssertFalse(march.stdout.contains("\"YL-GLJT\" AS ("), march.stdout)
        let statements = march.stdout.split(separator: ";").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        XCTAssertEqual(statements.count, 1, "one statement: WITH … SELECT")
        XCTAssertTrue(march.stdout.contains("\nSELECT entity_id, policy_id, outcome, CASE WHEN outcome IN ('eligible', 'over_budget') THEN amount END AS amount"))
    }

    func testTheLibraryHasItsExclusiveGroupAndBudgetAndDialectsDiffer() throws {
        let duck = try sql(["--dialect", "duckdb", "--as-of", "2025-06-30"])
        XCTAssertEqual(duck.status, 0, duck.stderr)
        for expected in ["\"互斥组_企业_企业培育奖励\" AS (", "\"预算_YL-GLJT\" AS (", "\"预算_QY-GXRD\" AS (", "COALESCE(amount, 0) * 12",
                         "high_tech_cert_date\" ASC NULLS LAST", "date_diff('day', DATE '2025-06-30', l.\"expiry_date\")"] {
            XCTAssertTrue(duck.stdout.contains(expected), expected)
        }
        XCTAssertFalse(duck.stdout.contains("COLLATE"))
        // Over no licences, a licence fact holds only when licences were loaded at all (never
        // imported: an empty table, and the fact is unknown, not "holds none").
        XCTAssertTrue(duck.stdout.contains("(CASE WHEN EXISTS (SELECT 1 FROM licences) THEN FALSE END)"), duck.stdout)
        let postgres = try sql(["--dialect", "postgres", "--as-of", "2025-06-30"])
        XCTAssertEqual(postgres.status, 0, postgres.stderr)
        XCTAssertTrue(postgres.stdout.contains("ORDER BY policy_id COLLATE \"C\", entity_id COLLATE \"C\""))
        // --unordered leaves the sort of every result row to whoever needs it (results import does not).
        let unordered = try sql(["--dialect", "postgres", "--as-of", "2025-06-30", "--unordered"])
        XCTAssertEqual(unordered.status, 0, unordered.stderr)
        XCTAssertFalse(unordered.stdout.contains("ORDER BY policy_id"))
        XCTAssertTrue(unordered.stdout.hasSuffix(") r;\n"), String(unordered.stdout.suffix(40)))
        XCTAssertTrue(postgres.stdout.contains("(l.\"expiry_date\" - DATE '2025-06-30')"))
        let trino = try sql(["--dialect", "trino", "--as-of", "2025-06-30"])
        XCTAssertEqual(trino.status, 0, trino.stderr)
        XCTAssertFalse(trino.stdout.contains("COLLATE"))
        // Outside its validity a policy is not in scope, as `mianshen run` leaves it out.
        let late = try sql(["QY-KGBZ", "--dialect", "duckdb", "--as-of", "2026-06-30"])
        XCTAssertEqual(late.status, 1)
        XCTAssertTrue(late.stderr.contains("QY-KGBZ"), late.stderr)
    }

    func testADivisionUsedAsANumberIsRefusedNamingTheConstructAndDialect() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("Rules/t"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RepositoryPaths.schemas, toPath: dir.file("Rules/schemas"))
        let policy = """
            政策 T-CF “月收入补助”
              领域 扶弱
              依据 “测试”
              对象 居民
              方式 直接兑现
              条件 有收入 “有收入”：个人年收入 > 0 元
              金额 个人年收入 / 12
            结束

            政策 T-BJ “人均收入比较”
              领域 扶弱
              依据 “测试”
              对象 居民
              方式 直接兑现
              条件 人均低 “家庭人均收入低”：合计(家庭成员.个人年收入) / 计数(家庭成员) < 12000 元
              金额 100 元
            结束
            """
        try policy.write(toFile: dir.file("Rules/t/t.policy"), atomically: true, encoding: .utf8)
        for (dialect, label) in [("duckdb", "DuckDB"), ("postgres", "PostgreSQL"), ("trino", "Trino")] {
            let refused = try sql(["T-CF", "--dialect", dialect, "--as-of", "2025-06-30"], rules: dir.file("Rules"))
            XCTAssertEqual(refused.status, 1, refused.stdout)
            XCTAssertTrue(refused.stdout.isEmpty, refused.stdout)
            XCTAssertTrue(refused.stderr.contains("无法生成 \(label) SQL：政策 T-CF 的除法（/）"), refused.stderr)
        }
        // In a comparison the division is multiplied out exactly, by the divisor's sign.
        let compared = try sql(["T-BJ", "--dialect", "duckdb", "--as-of", "2025-06-30"], rules: dir.file("Rules"))
        XCTAssertEqual(compared.status, 0, compared.stderr)
        XCTAssertTrue(compared.stdout.contains("CASE WHEN (CASE WHEN \"家庭成员_条数\" IS NULL THEN 0 ELSE \"a"), compared.stdout)
        XCTAssertTrue(compared.stdout.contains(" > 0 THEN "), compared.stdout)
        XCTAssertFalse(compared.stdout.contains(" / "), compared.stdout)
    }

    func testDDLHasTheSchemaColumnsInOrderWithSQLTypesAndNoNamesOrPhones() throws {
        let ddl = try CLIRunner.run(["rules", "sql", "--ddl", "--dialect", "postgres", "--rules", RepositoryPaths.rules])
        XCTAssertEqual(ddl.status, 0, ddl.stderr)
        for table in ["residents", "enterprises", "licences"] {
            let schema = try String(contentsOfFile: "\(RepositoryPaths.schemas)/\(table).yaml", encoding: .utf8)
            let fields = schema.split(separator: "\n").compactMap { line -> String? in
                line.hasPrefix("  - name: ") ? String(line.dropFirst("  - name: ".count)) : nil
            }
            let expected = fields.filter { !(table == "residents" && ($0 == "name" || $0 == "phone")) && !$0.hasSuffix("phone") }
            XCTAssertEqual(Self.columns(of: table, in: ddl.stdout).map(\.name), expected, table)
        }
        let residents = Dictionary(uniqueKeysWithValues: Self.columns(of: "residents", in: ddl.stdout).map { ($0.name, $0.type) })
        XCTAssertEqual(residents["id_number"], "TEXT NOT NULL")
        XCTAssertEqual(residents["birth_date"], "DATE NOT NULL")
        XCTAssertEqual(residents["alive"], "BOOLEAN NOT NULL")
        XCTAssertEqual(residents["dibao"], "BOOLEAN")
        XCTAssertEqual(residents["disability_level"], "BIGINT")
        XCTAssertEqual(residents["annual_income_yuan"], "DECIMAL(18, 2)")
        let duck = try CLIRunner.run(["rules", "sql", "--ddl", "--dialect", "duckdb", "--rules", RepositoryPaths.rules])
        XCTAssertTrue(duck.stdout.contains("    id_number VARCHAR NOT NULL,"), duck.stdout)
    }

    /// Every dialect declares the ledger's table; a budget's CTE reads it for the period of the
    /// as-of date (a literal computed when the script is written), keeps its holders and spends
    /// from the period's total.
    func testTheBudgetStartsFromTheGrantsHeldInTheAsOfPeriod() throws {
        for dialect in ["duckdb", "postgres", "trino"] {
            let ddl = try CLIRunner.run(["rules", "sql", "--ddl", "--dialect", dialect, "--rules", RepositoryPaths.rules])
            let text = dialect == "postgres" ? "TEXT" : "VARCHAR"
            XCTAssertEqual(
                Self.columns(of: "grants_held", in: ddl.stdout).map { "\($0.name) \($0.type)" },
                ["policy_id \(text) NOT NULL", "period \(text) NOT NULL", "entity_id \(text) NOT NULL", "net_amount DECIMAL(18, 2) NOT NULL"],
                dialect
            )
            for (day, month) in [("2025-06-30", "202506"), ("2026-01-01", "202601")] {
                let script = try CLIRunner.run([
                    "rules", "sql", "YL-GLJT", "QY-GXRD", "--dialect", dialect, "--as-of", day, "--rules", RepositoryPaths.rules,
                ])
                XCTAssertEqual(script.status, 0, script.stderr)
                let sql = script.stdout
                // 高龄津贴 is paid by the month, 高新技术企业认定奖励 once.
                XCTAssertTrue(sql.contains("\"台账_YL-GLJT\" AS ("), sql)
                XCTAssertTrue(sql.contains("FROM grants_held\n    WHERE policy_id = 'YL-GLJT' AND period = '\(month)'\n"), sql)
                XCTAssertTrue(sql.contains("WHERE policy_id = 'QY-GXRD' AND period = 'ONCE'"), sql)
                XCTAssertTrue(sql.contains("期间 \(month) 由评估日 \(day) 在生成时算出"), sql)
                XCTAssertTrue(sql.contains("(SELECT COALESCE(SUM(net_amount), 0) FROM \"台账_YL-GLJT\") * 12"), sql)
                XCTAssertTrue(sql.contains("THEN (amount - held) * 12 ELSE 0 END) OVER ()"), sql)
                XCTAssertTrue(sql.contains("CASE WHEN outcome = 'eligible' AND held IS NULL AND MAX("), "holders are never over_budget")
                XCTAssertTrue(sql.contains("LEFT JOIN \"台账_QY-GXRD\" h ON h.entity_id = g.entity_id"), sql)
            }
        }
    }

    /// `name TYPE` of each column of `CREATE TABLE table (…)`.
    static func columns(of table: String, in ddl: String) -> [(name: String, type: String)] {
        guard let start = ddl.range(of: "CREATE TABLE \(table) (\n") else { return [] }
        let body = ddl[start.upperBound...].prefix { $0 != ";" }
        return body.split(separator: "\n").compactMap { line in
            let code = line.split(separator: "--", maxSplits: 1).first.map(String.init) ?? ""
            let words = code.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ","))
                .split(separator: " ", maxSplits: 1)
            guard words.count == 2 else { return nil }
            return (String(words[0]), words[1].trimmingCharacters(in: .whitespaces))
        }
    }
}
