import ArgumentParser
import Foundation
import Outputs
import Pipeline
import Store

/// `mianshen applications generate`: auto-filled applications (自动生成申请表、调用申请材料) for
/// the eligible entities of the 依申请 policies of a stored run.
struct ApplicationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "applications",
        abstract: "依申请政策的申请表：为运行中符合条件的对象自动生成申请表（XML + 可打印的 HTML），调用电子证照作为申请材料。",
        subcommands: [Generate.self, ImportStatus.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "为一次运行中每个符合条件的（对象，依申请政策）生成申请表，写入 --out 目录。",
            discussion: """
                申请表按 Rules/forms/政策编号.form.yaml 填写（只含表中声明的字段），XML 保存前按
                Rules/forms/applications.xsd 校验，不合格的不保存并列出原因（退出码 1）。每份另有一页可打印的
                HTML（A4）。申请编号由政策、对象和受益期（周期 + 运行的评估日）算出，同一受益每次生成编号相同，
                重新生成的文件逐字节相同。已过期、30 天内到期或未调取到的证照在申请表中标出，并在此列出。
                目录中的 index.csv（UTF-8 带 BOM）列出全部申请表，身份证号脱敏。
                """
        )

        @OptionGroup var runOptions: RunOptions

        @Option(name: .long, help: ArgumentHelp("只生成这项政策的申请表（默认运行中全部依申请政策）。", valueName: "ID"))
        var policy: String?

        @Option(name: .long, help: ArgumentHelp("输出目录（每项政策一个子目录，另有 index.csv）。", valueName: "DIR"))
        var out: String

        @OptionGroup var store: StoreOptions
        @OptionGroup var audit: AuditOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let loaded = try runOptions.load(profiles)
                let subjects = ApplicationBatch.applicationPolicies(loaded)
                if let policy {
                    try loaded.requirePolicies([policy])
                    guard subjects[policy] != nil else {
                        printError("政策 \(policy) 不是依申请办理的政策，没有申请表；运行 \(loaded.record.id) 中依申请的有：\(subjects.keys.sorted().joined(separator: "、"))。")
                        throw ExitCode(64)
                    }
                }
                let known = ApplicationBatch.formPolicies(loaded, rulesDirectory: store.rulesDirectory, schemas: profiles.schemas)
                let (forms, schema) = try FormLoader.load(directory: store.rulesDirectory + "/forms", schemas: profiles.schemas, subjects: known)
                let summary = try ApplicationBatch.generate(run: loaded, store: profiles, forms: forms, schema: schema, policy: policy, output: out)
                try audit.record(profiles, command: "applications generate", scope: AuditScope(
                    "运行 \(loaded.record.id) 的申请表 \(summary.written.count) 份\(policy.map { "（政策 \($0)）" } ?? "")，写入 \(out)"
                ))
                ApplicationsText.print(summary, output: out)
                if try loaded.importedSince(profiles) {
                    printError("注意：运行 \(loaded.record.id) 之后又有导入，申请表中的档案数据是现在的值，可能与运行时不同；建议先重新运行（mianshen run）再生成。")
                }
                if !summary.failed.isEmpty || (policy != nil && !summary.withoutForm.isEmpty) { throw ExitCode(1) }
            }
        }
    }

    struct ImportStatus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-status",
            abstract: "导入一体化政务服务平台回传的申请状态（CSV 或 JSON Lines：申请编号 application_no、状态 status、时间 time）。",
            discussion: """
                状态为 已确认、已拒绝、已受理、已办结，逐条记入每份申请的状态历史（同一编号、状态、时间重复导入只记一次）。
                文件中有本系统未生成的申请编号或不认识的状态时整份不导入，逐行列出 文件:行号。申请人已拒绝的受益，
                本受益期内 applications generate 不再生成；已确认且已办结的申请记入发放台账（来源 依申请）。
                """
        )

        @Argument(help: ArgumentHelp("回传文件（.csv，或 .jsonl 的 JSON Lines）。", valueName: "FILE"))
        var file: String

        @OptionGroup var store: StoreOptions
        @OptionGroup var audit: AuditOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let summary = try ApplicationStatusImport.run(file: file, store: profiles)
                try audit.record(
                    profiles, command: "applications import-status",
                    scope: AuditScope("\(file)：申请状态 \(summary.read) 条，新记录 \(summary.recorded) 条")
                )
                print("\(file)：读取 \(summary.read) 条申请状态，新记录 \(summary.recorded) 条；已办结记入发放台账 \(summary.granted.created) 笔（补发 \(summary.granted.topUps)、追回 \(summary.granted.clawbacks)、未变 \(summary.granted.unchanged)）。")
            }
        }
    }
}
