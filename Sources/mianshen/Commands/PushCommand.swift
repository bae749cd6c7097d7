import ArgumentParser
import Foundation
import Pipeline
import Store

/// `mianshen push`: the night's benefit items as digests in the outbox, sent to the gateway.
struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "主动精准推送：把运行结果写成每位领取人的汇总消息（待发箱），按免打扰时段和限速发往短信/消息网关。",
        discussion: """
            push queue 在一个事务中写入当晚的全部消息（同一晚重复执行不会多写）；push dispatch 只在免打扰时段之外发送，
            每条消息带幂等键和 HMAC-SHA256 签名，网关 5xx/超时按指数退避加抖动重试，4xx 记为失败并写明原因。
            配置取自 --config 文件的 [push] 和 [gateway] 表（见 README“推送”）；签名密钥只从环境变量读取。
            """,
        subcommands: [Queue.self, Dispatch.self, Status.self, Retry.self, Preview.self, OptOut.self, Outreach.self]
    )

    /// `--config` and `--now`, for every push command.
    struct Options: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("配置文件（TOML，读取其中的 [push] 和 [gateway]；不给则用默认值）。", valueName: "FILE"))
        var config: String?

        @Option(name: .long, help: ArgumentHelp("当前时间（ISO 8601，如 2026-12-01T22:30:00+08:00；测试用，默认为系统时间）。", valueName: "TIME"))
        var now: String?

        func validate() throws {
            if let now, PushClock.parse(now) == nil {
                throw ValidationError("--now 应为带时区的 ISO 8601 时间，如 2026-12-01T22:30:00+08:00，而不是“\(now)”。")
            }
        }

        func settings() throws -> PushSettings {
            guard let config else { return PushSettings() }
            return try PushSettings(file: config)
        }

        func clock() throws -> PushClock {
            PushClock(now: now.flatMap(PushClock.parse) ?? Date(), settings: try settings())
        }
    }

    struct Queue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "把一次运行（默认最近一次）的发放事项写入待发箱：每位领取人每个渠道一条汇总消息，已告知的不再重复。"
        )

        @OptionGroup var runOptions: RunOptions
        @OptionGroup var options: Options
        @OptionGroup var store: StoreOptions
        @OptionGroup var audit: AuditOptions

        func run() throws {
            try reportingErrors {
                // The rules name the licence of a 证照到期 reminder, as `reminders list` does.
                let (profiles, entries, program) = try RulesCommand.open(store)
                let loaded = try runOptions.load(profiles)
                let templates = try PushTemplates(directory: PushCommand.templatesDirectory(store))
                let summary = try PushQueue.queue(
                    run: loaded, store: profiles, templates: templates, clock: try options.clock(), rules: (entries, program)
                )
                try audit.record(profiles, command: "push queue", scope: AuditScope("运行 \(loaded.record.id) 的推送事项 \(summary.items) 项，消息 \(summary.queued) 条"))
                print(PushText.queued(summary, runID: loaded.record.id))
            }
        }
    }

    struct Dispatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "把到期的消息发往网关（免打扰时段内不发；超出每小时限速的等下一次）。有消息发送失败时退出码为 69。"
        )

        @OptionGroup var options: Options
        @OptionGroup var store: StoreOptions
        @OptionGroup var audit: AuditOptions

        func run() async throws {
            try await reportingErrors {
                let profiles = try store.openExistingStore()
                let clock = try options.clock()
                let gateway = try HTTPGateway(settings: clock.settings, secret: try HTTPGateway.secret(clock.settings))
                let summary = try await PushDispatcher.dispatch(store: profiles, gateway: gateway, clock: clock)
                if summary.delivered + summary.failed > 0 {
                    // The messages carry phone numbers and names to the gateway.
                    try audit.record(profiles, command: "push dispatch", scope: AuditScope("发往网关的消息 \(summary.delivered + summary.failed) 条（送达 \(summary.delivered) 条）"))
                }
                print(PushText.dispatched(summary))
                if summary.failed > 0 { throw ExitCode(69) }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "按渠道和状态统计待发箱中的消息；--history 列出每条消息的状态历史。")

        @Flag(name: .long, help: "列出每条消息的状态历史（queued → sending → delivered | failed | expired）。")
        var history = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                print(PushText.counts(try profiles.pushCounts()))
                if history {
                    for message in try profiles.pushMessages() {
                        let steps = try profiles.pushHistory(message.id).map { "\($0.status)@\($0.time)\($0.note.map { "（\($0)）" } ?? "")" }
                        print("\(message.id) \(message.channel) \(message.key.prefix(12)) \(steps.joined(separator: " → "))")
                    }
                }
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "把发送失败的消息重新排队（下一次 push dispatch 以同一幂等键再发）。")

        @Flag(name: .long, help: "重新排队全部失败的消息。")
        var failed = false

        @OptionGroup var options: Options
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard failed else { throw ValidationError("请加 --failed：push retry --failed 把发送失败的消息重新排队。") }
        }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let count = try PushDispatcher.requeueFailed(store: profiles, clock: try options.clock())
                print("重新排队 \(count) 条发送失败的消息；用 mianshen push dispatch 发送。")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "预览待发送的消息正文（不发送；手机号、证件号脱敏）。")

        @Option(name: .long, help: ArgumentHelp("最多显示几条（默认 10）。", valueName: "N"))
        var limit = 10

        @OptionGroup var store: StoreOptions
        @OptionGroup var audit: AuditOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let messages = try profiles.pushMessages(statuses: ["queued", "sending"], limit: max(0, limit))
                try audit.record(profiles, command: "push preview", scope: AuditScope("待发消息 \(messages.count) 条（脱敏）"))
                print(PushText.preview(messages))
            }
        }
    }

    struct OptOut: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "optout",
            abstract: "退订：导入退订名单或“回T”回复文件。",
            subcommands: [Import.self]
        )

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入退订名单（每行一个手机号或证件号）或回T回复文件（手机号,回复内容[,时间]）。",
                discussion: "回复为 T、TD、N 或“退订”的号码退订，其他回复只计数。读不懂的行逐行列出 文件:行号，其余照常导入；有这样的行时退出码为 65。"
            )

            @Argument(help: ArgumentHelp("退订文件。", valueName: "FILE"))
            var file: String

            @OptionGroup var options: Options
            @OptionGroup var store: StoreOptions
            @OptionGroup var audit: AuditOptions

            func run() throws {
                try reportingErrors {
                    let profiles = try store.openStore()
                    let parsed = try OptOutFile.parse(path: file)
                    let added = try profiles.recordOptOuts(parsed.optOuts, at: try options.clock().nowText)
                    try audit.record(profiles, command: "push optout import", scope: AuditScope("\(file)：退订 \(parsed.optOuts.count) 条，新增 \(added) 条"))
                    for error in parsed.errors { printError(error) }
                    print("\(file)：读取退订 \(parsed.optOuts.count) 条（新增 \(added) 条），非退订回复 \(parsed.otherReplies) 条，无法读取 \(parsed.errors.count) 行。")
                    if !parsed.errors.isEmpty { throw ExitCode(65) }
                }
            }
        }
    }

    struct Outreach: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出没有联系方式、需线下告知的领取人及其事项（默认脱敏）。")

        @OptionGroup var masking: MaskingOptions
        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let messages = try profiles.pushMessages(statuses: ["offline"])
                try masking.record(profiles, command: "push outreach", scope: AuditScope("线下告知名单 \(messages.count) 人"))
                print(PushText.outreach(messages, masking: masking))
            }
        }
    }

    static func templatesDirectory(_ store: StoreOptions) -> String {
        (store.rulesDirectory as NSString).appendingPathComponent("templates")
    }
}
