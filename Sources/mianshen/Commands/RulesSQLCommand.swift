import ArgumentParser
import Datasets
import Foundation
import Outputs
import Pipeline
import RuleLanguage
import SQLBackend

/// `mianshen rules sql`: the compiled policies as one SQL script for the engine a province
/// already runs (DuckDB, PostgreSQL, Trino), or with `--ddl` the tables it reads.
struct RulesSQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "把政策编译成一段 SQL（DuckDB、PostgreSQL、Trino），在数据所在的数据库中计算与 mianshen run 相同的结果。",
        discussion: """
            不写编号时包括与 mianshen run 相同的政策：已发布（加 --include-drafts 含草稿）且在评估日有效的政策。
            脚本读取 --ddl 列出的表（residents、enterprises、licences，mianshen export 导出的 CSV 可直接装载），
            最后一句是结果的 SELECT：entity_id, policy_id, outcome, amount，其后每个条件一列。
            某种方言无法精确表达的写法（如结果用作数值的除法）拒绝生成并说明原因，退出码 1。
            """
    )

    @Argument(help: ArgumentHelp("政策编号（默认：mianshen run 会评估的全部政策）。", valueName: "ID"))
    var ids: [String] = []

    @Option(name: .customLong("dialect"), help: "SQL 方言：duckdb、postgres 或 trino。")
    var dialectOption: DialectOption

    var dialect: SQLDialect { dialectOption.dialect }

    @Option(name: .customLong("as-of"), help: ArgumentHelp("评估日（默认今天，按北京时间）；参数按此日取值写成常量。", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Flag(name: .customLong("include-drafts"), help: "同时包括草稿和已审核未发布的政策。")
    var includeDrafts = false

    @Flag(name: .long, help: "结果不按政策、对象排序（省去对全部结果的排序；results import 接受任意顺序）。")
    var unordered = false

    @Flag(name: .long, help: "只输出脚本读取的表的 CREATE TABLE 语句。")
    var ddl = false

    @Option(name: .long, help: ArgumentHelp("写入此文件（默认标准输出）。", valueName: "FILE"))
    var out: String?

    @OptionGroup var location: RulesLocation

    func validate() throws {
        if let asOf, Day.parse(asOf) == nil {
            throw ValidationError("--as-of 应为 YYYY-MM-DD 格式的真实日期，例如 2026-12-01。")
        }
        if ddl && !ids.isEmpty { throw ValidationError("--ddl 输出全部表，不接受政策编号。") }
    }

    func run() throws {
        try reportingErrors {
            let schemas = try location.schemas()
            if ddl { return try emit(TypeMapping.ddl(schemas, dialect)) }
            let catalog = try RuleCatalog.entries(rulesDirectory: location.directory, schemas: schemas)
            try RulesCommand.requireCompiled(catalog.compiled)
            guard let program = catalog.program else { throw ExitCode(1) }
            let day = asOf.flatMap { Day.parse($0) } ?? RunCommand.todayInShanghai()
            let known = Set(catalog.entries.map(\.policy.id))
            if let unknown = ids.first(where: { !known.contains($0) }) {
                printError("没有编号为 \(unknown) 的政策；用 mianshen rules list 查看全部政策。")
                throw ExitCode(64)
            }
            let inScope = BatchRun.select(catalog.entries, asOf: day, includeDrafts: includeDrafts)
            let scopeIDs = Set(inScope.map(\.policy.id))
            if let outside = ids.first(where: { !scopeIDs.contains($0) }) {
                printError("政策 \(outside) 不在 \(day) 的评估范围内（\(includeDrafts ? "" : "未发布，或")不在有效期内）；mianshen run 不会评估它。")
                throw ExitCode(1)
            }
            let chosen = inScope.filter { ids.isEmpty || ids.contains($0.policy.id) }.map(\.policy)
            guard !chosen.isEmpty else {
                printError("没有\(includeDrafts ? "" : "已发布且")在 \(day) 有效的政策。\(includeDrafts ? "" : "草稿可加 --include-drafts。")")
                throw ExitCode(1)
            }
            var writer = ScriptWriter(program: program, schemas: schemas, dialect: dialect, asOf: day) { policy in
                BenefitPeriod(cycle: policy.period, asOf: day).code
            }
            writer.ordered = !unordered
            do {
                try emit(try writer.script(chosen))
            } catch let refusal as SQLRefusal {
                printError(refusal.description)
                throw ExitCode(1)
            }
        }
    }

    private func emit(_ text: String) throws {
        guard let out else { return writeStandardOutput(Data(text.utf8)) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        printError("已写入 \(out)。")
    }
}

/// `--dialect`, as a command-line value.
enum DialectOption: String, ExpressibleByArgument, CaseIterable {
    case duckdb, postgres, trino

    var dialect: SQLDialect { SQLDialect(rawValue: rawValue) ?? .duckdb }
}
