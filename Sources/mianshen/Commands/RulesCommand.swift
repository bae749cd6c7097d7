import ArgumentParser
import Datasets
import Diagnostics
import Foundation
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
            discussion: "检查词法、语法、名称（字段、事实、条件、参数）和类型（单位、日期与数值、取值范围、分档）。有任何错误时退出码为 1。"
        )

        @Argument(help: ArgumentHelp("规则文件或目录（默认为规则目录）。", valueName: "PATH"))
        var path: String?

        @Option(name: .long, help: ArgumentHelp("规则目录，其中 schemas/ 为数据规范（默认 ./Rules，或 MIANSHEN_RULES）。", valueName: "DIR"))
        var rules: String?

        func run() throws {
            try reportingErrors {
                let rulesDirectory = rules ?? ProcessInfo.processInfo.environment["MIANSHEN_RULES"] ?? "Rules"
                let schemas = try SchemaLoader.load(directory: rulesDirectory + "/schemas")
                let result = try RuleCheck.run(path: path ?? rulesDirectory, schemas: schemas)
                let renderer = DiagnosticRenderer(sources: result.sources)
                if !result.diagnostics.isEmpty {
                    print(renderer.render(result.diagnostics))
                }
                var summary = "检查了 \(result.files.count) 个规则文件：\(result.errorCount) 个错误。"
                if let policies = result.policyCount, let nodes = result.nodeCount {
                    let ms = Double(result.compileTime.components.attoseconds) / 1e15 + Double(result.compileTime.components.seconds) * 1000
                    summary += String(format: "编译得到 %d 项政策、%d 个计算节点，用时 %.1f 毫秒。", policies, nodes, ms)
                }
                print(summary)
                if result.errorCount > 0 { throw ExitCode(1) }
            }
        }
    }
}
