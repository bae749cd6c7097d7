import ArgumentParser
import Datasets
import Diagnostics
import Foundation
import Logging
import Pipeline
import Store

/// `mianshen nightly --config FILE`: the unattended night (cron / systemd timer).
struct NightlyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "夜间任务：按配置文件依次导入 → 评估 → 申请表 → 提醒 → 发放台账 → 推送发件箱 → 发送 → 报告，每步记入夜间台账。",
        discussion: """
            配置文件（TOML）的键见 README 和 Scripts/mianshen.example.toml；不认识的键、不合法的值报错并指出文件和键（退出码 64）。
            同一时间只能有一个夜间任务：数据库旁的锁文件（DB.nightly.lock，flock）被占用时立即退出（退出码 75）。
            中途失败或被终止（包括 kill -9）后再次运行，从当晚最后完成的步骤之后继续，已完成的不重做、不重复；
            当晚全部步骤已完成时再次运行只说明这一点（退出码 0）。“当晚”是 --now（默认现在）在配置时区中的日期。
            日志写到标准错误：--log-format text（默认，一行一事）或 json（每行一个 JSON 对象：time、level、step、message、metadata），
            身份证号、手机号脱敏。
            """
    )

    @Option(name: .long, help: ArgumentHelp("配置文件（TOML）。", valueName: "FILE"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("数据库文件路径（优先于配置文件的 db 和环境变量 MIANSHEN_DB）。", valueName: "PATH"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("当作现在的时刻（ISO 8601，如 2026-12-01T02:00:00+08:00），用于测试。", valueName: "TIME"))
    var now: String?

    @Option(name: .customLong("log-format"), help: "日志格式：text 或 json。")
    var logFormat: NightlyLogHandler.Format = .text

    @OptionGroup var audit: AuditOptions

    func validate() throws {
        if let now, Self.parse(now) == nil {
            throw ValidationError("--now 应为 ISO 8601 时刻，例如 2026-12-01T02:00:00+08:00 或 2026-11-30T18:00:00Z。")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let settings = try NightlyConfig.load(path: config)
            let database = db ?? ProcessInfo.processInfo.environment["MIANSHEN_DB"] ?? settings.database ?? "mianshen.db"
            let level = ProcessInfo.processInfo.environment["MIANSHEN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            let logger = Logger(label: "mianshen.nightly") { [logFormat] _ in NightlyLogHandler(format: logFormat, level: level) }
            let lock = try NightlyLock(database: database)
            let schemas = try SchemaLoader.load(directory: settings.rulesDirectory + "/schemas")
            let store = try ProfileStore(path: database, schemas: schemas)
            let context = NightlyContext(
                config: settings, store: store, now: now.flatMap(Self.parse) ?? Date(), logger: logger,
                operatorName: audit.resolvedOperator
            )
            logger.info("夜间任务 \(context.night) 开始（评估日 \(context.asOf)，数据库 \(database)）", metadata: ["step": "nightly"])
            let summary = try await NightlyRunner.run(NightlyPlan.steps(settings), context: context)
            withExtendedLifetime(lock) {}
            print(NightlyText.render(summary))
            if let problem = summary.problem { throw ExitCode(problem.rawValue) }
        }
    }

    static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}

extension NightlyLogHandler.Format: ExpressibleByArgument {}

/// The night's summary on standard output, in Chinese.
enum NightlyText {
    static func render(_ summary: NightlyRunner.Summary) -> String {
        if summary.alreadyComplete {
            return "夜间任务 \(summary.night)（评估日 \(summary.asOf)）的全部 \(summary.steps.count) 个步骤此前已完成，本次未做任何事。"
        }
        var table = TextTable(["步骤", "状态", "次数", "结果", "说明"])
        for step in summary.steps {
            let status = summary.skipped.contains(step.step) ? "此前已完成" : step.status == .done ? "完成" : step.status.rawValue
            table.add([step.step, status, String(step.attempts), step.produced ?? "", step.message ?? ""])
        }
        return ["夜间任务 \(summary.night)（评估日 \(summary.asOf)）", table.render()].joined(separator: "\n")
    }
}
