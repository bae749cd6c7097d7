import ArgumentParser
import Diagnostics
import Pipeline

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "政策规则：检查（其余子命令随规则语言的后续阶段加入）。",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "检查规则文件（*.policy），列出全部问题：文件:行:列、原文、插入符与修改建议。",
            discussion: "目前检查词法和语法；名称解析与类型检查将在后续版本加入。有任何错误时退出码为 1。"
        )

        @Argument(help: ArgumentHelp("规则文件或目录（默认 Rules）。", valueName: "PATH"))
        var path = "Rules"

        func run() throws {
            try reportingErrors {
                let result = try RuleCheck.run(path: path)
                let renderer = DiagnosticRenderer(sources: result.sources)
                if !result.diagnostics.isEmpty {
                    print(renderer.render(result.diagnostics))
                }
                print("检查了 \(result.files.count) 个规则文件：\(result.errorCount) 个错误。")
                if result.errorCount > 0 { throw ExitCode(1) }
            }
        }
    }
}
