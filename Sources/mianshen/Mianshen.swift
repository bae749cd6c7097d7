import ArgumentParser
import Diagnostics

@main
struct Mianshen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mianshen",
        abstract: "免申即享批处理引擎：导入企业与居民数据，建立一人一档、一企一档，按政策批量评估并保存、解释结果。",
        discussion: """
            退出码（全部命令通用）：
            \(ErrorCategory.exitCodeTable)
              0   成功
            个人信息（身份证号、姓名、电话）在输出中默认脱敏，加 --unmask 显示原文（须 --purpose 说明目的）。
            使用个人信息的命令记入审计日志（mianshen audit list）；写出的文件只有所有者可读写。
            """,
        subcommands: [
            ImportCommand.self, QuarantineCommand.self, ProfileCommand.self, DBCommand.self, RulesCommand.self,
            FixturesCommand.self, RunCommand.self, ResultsCommand.self, ExplainCommand.self, NearMissesCommand.self,
            RunsCommand.self, DiffCommand.self, EngineCommand.self,
            ReportCommand.self, RemindersCommand.self,
            ApplicationsCommand.self, AuditCommand.self, ReviewCommand.self, GrantsCommand.self,
            NightlyCommand.self,
            PushCommand.self, ExportCommand.self,
        ]
    )
}

extension ErrorCategory {
    /// The exit-code table shown in `--help` and README.md.
    static var exitCodeTable: String {
        allCases.sorted { $0.rawValue < $1.rawValue }
            .map { "  " + DisplayWidth.pad(String($0.rawValue), to: 4) + $0.meaning }
            .joined(separator: "\n")
    }
}
