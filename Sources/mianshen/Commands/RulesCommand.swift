import ArgumentParser
import Datasets
import Diagnostics
import Foundation
import Pipeline
import RuleLanguage

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "政策规则：检查、测试、列出、展示、试算、审核。",
        subcommands: [Check.self, Test.self, List.self, Show.self, Try.self, Approve.self, RulesSQLCommand.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "检查规则文件（*.policy），列出全部问题：文件:行:列、原文、插入符与修改建议。",
            discussion: "检查词法、语法、名称（字段、事实、条件、参数）和类型（单位、日期与数值、取值范围、分档）。有任何错误时退出码为 1。"
        )

        @Argument(help: ArgumentHelp("规则文件或目录（默认为规则目录）。", valueName: "PATH"))
        var path: String?

        @OptionGroup var location: RulesLocation

        func run() throws {
            try reportingErrors {
                let result = try RuleCheck.run(path: path ?? location.directory, shared: location.shared, schemas: try location.schemas())
                let renderer = DiagnosticRenderer(sources: result.sources)
                if !result.diagnostics.isEmpty {
                    print(renderer.render(result.diagnostics))
                }
                var summary = "检查了 \(result.files.count) 个规则文件：\(result.errorCount) 个错误。"
                if let program = result.program {
                    let policies = program.policies.count
                    let nodes = program.nodes.count
                    let ms = Double(result.compileTime.components.attoseconds) / 1e15 + Double(result.compileTime.components.seconds) * 1000
                    summary += String(format: "编译得到 %d 项政策、%d 个计算节点，用时 %.1f 毫秒。", policies, nodes, ms)
                    for warning in RuleCheck.templateWarnings(rulesDirectory: location.directory, program: program) { print("警告：\(warning)") }
                }
                print(summary)
                if result.errorCount > 0 { throw ExitCode(1) }
            }
        }
    }
}

extension RulesCommand {
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "运行规则旁的测试（*.test.yaml）：逐例比较结果、金额和不满足的条件，并报告条件覆盖。",
            discussion: "有失败的用例、规则有错误，或有条件从未在任何用例中为“是”或“否”时，列出详情；失败时退出码为 1。"
        )

        @Argument(help: ArgumentHelp("规则文件或目录（默认为规则目录）。", valueName: "PATH"))
        var path: String?

        @OptionGroup var location: RulesLocation

        func run() throws {
            try reportingErrors {
                let report = try RuleTestRunner.run(path: path ?? location.directory, shared: location.shared, schemas: try location.schemas())
                if !report.diagnostics.isEmpty {
                    print(DiagnosticRenderer(sources: report.sources).render(report.diagnostics))
                    print("规则有错误，未运行测试。")
                    throw ExitCode(1)
                }
                for failure in report.failures {
                    print("失败：\(failure.file)「\(failure.testCase)」")
                    for message in failure.messages { print("  \(message)") }
                    for condition in failure.conditions { print("    \(condition)") }
                }
                if !report.neverTrue.isEmpty { print("从未为“是”的条件：\(report.neverTrue.joined(separator: "；"))") }
                if !report.neverFalse.isEmpty { print("从未为“否”的条件：\(report.neverFalse.joined(separator: "；"))") }
                if !report.untested.isEmpty { print("没有测试的政策：\(report.untested.joined(separator: "、"))") }
                if !report.neverUnknown.isEmpty { print("可能因数据缺失而未知、但没有用例覆盖的条件：\(report.neverUnknown.joined(separator: "；"))") }
                let both = report.conditionCount - Set(report.neverTrue + report.neverFalse).count
                let unknown = report.unknowable.count - report.neverUnknown.count
                print("条件覆盖：\(report.conditionCount) 个条件，“是”与“否”都测到 \(both) 个（\(Self.percent(both, of: report.conditionCount))）；"
                    + "其中 \(report.unknowable.count) 个可能因数据缺失而未知，测到“未知” \(unknown) 个（\(Self.percent(unknown, of: report.unknowable.count))）。")
                let passed = report.cases - report.failures.count
                print("\(report.cases) 个用例：\(passed) 个通过，\(report.failures.count) 个失败。")
                if !report.failures.isEmpty { throw ExitCode(1) }
                if !report.coverageComplete {
                    print("覆盖不完整：补上上面列出的用例后才能审核发布。")
                    throw ExitCode(1)
                }
            }
        }

        static func percent(_ part: Int, of whole: Int) -> String {
            whole == 0 ? "100%" : String(format: "%.0f%%", (Double(part) * 100 / Double(whole)).rounded(.down))
        }
    }
}
