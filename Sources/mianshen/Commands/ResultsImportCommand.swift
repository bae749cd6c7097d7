import ArgumentParser
import Datasets
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen results import FILE`: results computed elsewhere become a run in the ledger.
struct ResultsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入在别处计算的结果（如在省级数据中心运行 rules sql 的脚本），保存为一次运行。",
        discussion: """
            文件须符合结果契约：UTF-8（不带 BOM）、LF 行尾，表头 entity_id,policy_id,outcome,amount，其后可接
            以政策条件名称命名的条件列（true、false 或空；PostgreSQL 的 t、f 亦可）。评估日的每项已发布有效政策与其对象中的每个有效档案
            恰好一行（含 ineligible）。任何一行不符合即整个文件被拒绝（退出码 65，指出文件和行号），什么也不导入。
            导入的运行与 mianshen run 的运行一样可用于 results、explain、diff、applications、grants、push；
            互斥组与预算按文件中的结论，不再重新决定，也不开启人工复核事项。文件有全部条件列时 explain 逐条解释，
            否则说明该政策无法逐条解释。
            """
    )

    @Argument(help: ArgumentHelp("结果文件（CSV）。", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("as-of"), help: ArgumentHelp("结果的评估日（默认今天，按北京时间）：决定哪些政策已发布且有效。", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("说明这批结果的来源（记入审计日志），如“省大数据中心 2026-12 批次”。", valueName: "TEXT"))
    var note: String?

    @Flag(name: .customLong("include-drafts"), help: "也包括草稿政策（与 run --include-drafts 相同：试算，不记入发放台账）。")
    var includeDrafts = false

    @Flag(name: .customLong("no-grants"), help: "不把导入的运行记入发放台账（默认与 mianshen run 相同：在同一事务中记入直接兑现政策的发放）。")
    var noGrants = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions

    func validate() throws {
        if let asOf, Day.parse(asOf) == nil {
            throw ValidationError("--as-of 应为 YYYY-MM-DD 格式的真实日期，例如 2026-12-01。")
        }
    }

    func run() throws {
        try reportingErrors {
            let (profiles, entries, program) = try RulesCommand.open(store)
            let day = asOf.flatMap { Day.parse($0) } ?? RunCommand.todayInShanghai()
            guard !BatchRun.select(entries, asOf: day, includeDrafts: includeDrafts).isEmpty else {
                printError("没有已发布且在 \(day) 有效的政策，无法导入结果。")
                throw ExitCode(1)
            }
            let run = try ResultsImport.execute(
                path: file, entries: entries, program: program, store: profiles, asOf: day, postsGrants: !noGrants,
                includeDrafts: includeDrafts
            )
            let source = note.map { "，来源：\($0)" } ?? ""
            try audit.record(
                profiles, command: "results import",
                scope: AuditScope("导入结果文件 \((file as NSString).lastPathComponent) 为运行 \(run.record.id)\(source)")
            )
            print(RunSummaryText.render(run))
            let unexplained = run.info.filter { $0.value.explainable == false }.keys.sorted()
            if !unexplained.isEmpty {
                print("文件没有这些政策的全部条件列，explain 无法逐条解释：\(unexplained.joined(separator: "、"))。")
            }
            if let posted = run.posted { print(GrantsText.posting(posted, runID: run.record.id)) }
        }
    }
}
