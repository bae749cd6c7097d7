import ArgumentParser
import Diagnostics
import Foundation
import Outputs
import Pipeline
import Store

/// `mianshen report`: the analyst's report of a stored run, as one HTML page or CSV files.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "生成一次运行的分析报告：总览、各政策、预算使用、各街道、各行业、与上一次运行相比、数据质量。",
        discussion: """
            html：一个自包含的网页（样式和 SVG 图表都在文件中，不引用外部资源，可离线打开、按 A4 打印）。
            csv：--out 为目录，每张表一个文件（summary、policies、streets、industries、changes、quarantine、
            warnings、missing_fields .csv），UTF-8 带 BOM，Excel 可直接打开。报告只含汇总数字，不含个人信息。
            各政策的人数与 results --all 导出的行数一致；街道、行业按档案中现在的区划、行业代码归属。
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, csv
    }

    @OptionGroup var runOptions: RunOptions

    @Option(name: .long, help: ArgumentHelp("输出位置：HTML 文件路径；--format csv 时为目录（不存在则创建）。", valueName: "PATH"))
    var out: String

    @Option(name: .long, help: "输出格式：html 或 csv。")
    var format: Format = .html

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions

    func run() throws {
        try reportingErrors {
            let profiles = try store.openExistingStore()
            let loaded = try runOptions.load(profiles)
            let report = try RunReportBuilder.build(loaded, store: profiles)
            let scope = "运行 \(loaded.record.id)，评估日 \(loaded.record.asOf)，\(report.policies.count) 项政策"
            try audit.record(profiles, command: "report --format \(format.rawValue)", scope: AuditScope("分析报告（汇总数字）：\(scope)，写入 \(out)"))
            do {
                switch format {
                case .html:
                    try Data(ReportHTML.render(report).utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
                    print("报告已写入 \(out)（\(scope)）。")
                case .csv:
                    let files = try ReportCSV.write(report, to: out)
                    print("报告的 \(files.count) 张表已写入 \(out)/（\(scope)）：\(files.map { ($0 as NSString).lastPathComponent }.joined(separator: "、"))")
                }
            } catch {
                let parent = (out as NSString).deletingLastPathComponent
                let reason = format == .html && !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) ? "目录 \(parent) 不存在" : "\(error.localizedDescription)"
                printError("无法写入 \(out)：\(reason)。")
                throw ExitCode(ErrorCategory.io.rawValue)
            }
        }
    }
}
