import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen run`: every published policy valid on the day over every active entity, decided
/// (互斥组, budgets) and stored as a run with its ledger.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "批量评估：用全部已发布、在评估日有效的政策评估全部有效档案，保存为一次运行并打印各政策汇总。",
        discussion: """
            结果（符合、不符合、待人工复核、互斥未享、超出预算）与各条件的取值一并保存在数据库中，
            之后用 results 导出、explain 逐条解释、near-misses 列出差一项的对象、diff 对比两次运行。
            一次运行在一个事务中写入：中途失败或被终止不会留下任何记录。
            """
    )

    @Option(name: .customLong("as-of"), help: ArgumentHelp("评估日（默认今天，按北京时间）。", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Flag(name: .customLong("include-drafts"), help: "同时评估草稿和已审核未发布的政策（默认只评估已发布的）。")
    var includeDrafts = false

    @Option(name: .long, help: "汇总的输出格式：table、csv 或 json（JSON Lines，人数为数字，金额为精确的十进制字符串）。")
    var format: OutputFormat = .table

    @Flag(name: .customLong("no-grants"), help: "不把本次运行记入发放台账（默认：只评估已发布政策的运行，与运行结果在同一事务中记入直接兑现政策的发放）。")
    var noGrants = false

    @Flag(name: .long, help: "在标准错误输出上打印各阶段用时（装载、计算、决定、哈希、保存）。")
    var timing = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if let asOf, Day.parse(asOf) == nil {
            throw ValidationError("--as-of 应为 YYYY-MM-DD 格式的真实日期，例如 2026-12-01。")
        }
    }

    func run() throws {
        try reportingErrors {
            let (profiles, catalogEntries, program) = try RulesCommand.open(store)
            let day = asOf.flatMap { Day.parse($0) } ?? Self.todayInShanghai()
            let entries = BatchRun.select(catalogEntries, asOf: day, includeDrafts: includeDrafts)
            guard !entries.isEmpty else {
                printError("没有\(includeDrafts ? "" : "已发布且")在 \(day) 有效的政策，未运行。\(includeDrafts ? "" : "草稿可加 --include-drafts 评估。")")
                throw ExitCode(1)
            }
            let phases = timing ? PhaseTiming() : nil
            let run = try BatchRun.execute(
                entries: entries, program: program, store: profiles, asOf: day, includeDrafts: includeDrafts,
                progress: TerminalProgress.trialReporter("运行中"), timing: phases, opensReviewItems: !includeDrafts,
                postsGrants: !includeDrafts && !noGrants
            )
            TerminalProgress.finish()
            if let phases { printError(phases.text) }
            print(format == .table ? RunSummaryText.render(run) : RunSummaryText.records(run, csv: format == .csv))
            if let reviews = run.reviews { printError(ReviewText.runLine(reviews)) }
            if let posted = run.posted {
                let text = GrantsText.posting(posted, runID: run.record.id)
                if format == .table { print(text) } else { printError(text) }
            }
            // The run is stored and reported: end here rather than free a population's million
            // ids one by one (0.3 s of a 1 M run in perf). exit() flushes standard output.
            profiles.finishBackgroundWrites()
            Foundation.exit(0)
        }
    }

    /// Today in Asia/Shanghai (UTC+8 all year: China has no daylight saving time).
    static func todayInShanghai(_ now: Date = Date()) -> Day {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        return Day(daysSinceEpoch: Int32((seconds - (seconds % 86_400 + 86_400) % 86_400) / 86_400))
    }
}

/// The per-policy summary of a run: in Chinese, or as records for machines.
enum RunSummaryText {
    static let headers = [
        "run_id", "policy_id", "subject", "evaluated", "eligible", "ineligible", "unknown", "excluded", "over_budget",
        "eligible_amount", "excluded_amount", "over_budget_amount",
    ]

    /// One line per policy (CSV with a header, or JSON Lines): counts, and amounts in 元 per outcome.
    static func records(_ run: LoadedRun, csv: Bool) -> String {
        let lines = run.record.policies.map { policy -> String in
            let c = policy.counts, a = policy.amountsFen
            let counts: [Int] = [c.values.reduce(0, +)] + ["eligible", "ineligible", "unknown", "excluded", "over_budget"].map { c[$0] ?? 0 }
            let amounts = ["eligible", "excluded", "over_budget"].map { ResultsExport.yuan(a[$0] ?? 0) }
            if csv {
                return CSVOutput.line([String(run.record.id), policy.policyID, policy.subject] + counts.map(String.init) + amounts)
            }
            var object: [String: Any] = ["run_id": run.record.id, "policy_id": policy.policyID, "subject": policy.subject]
            for (key, value) in zip(headers[3...], counts) { object[key] = value }
            for (key, value) in zip(headers[9...], amounts) { object[key] = value }
            return JSONOutput.line(object)
        }
        return ((csv ? [CSVOutput.line(headers)] : []) + lines).joined(separator: "\n")
    }

    static func render(_ run: LoadedRun) -> String {
        var table = TextTable(["编号", "名称", "对象", "评估", "符合", "互斥未享", "超出预算", "待人工复核", "不符合", "发放金额（元/期）"])
        for policy in run.record.policies {
            let c = policy.counts
            let info = run.info[policy.policyID]
            let evaluated = c.values.reduce(0, +)
            let amount = info?.mode == "提醒" ? "—" : "\(ResultsExport.yuan(policy.amountsFen["eligible"] ?? 0))/\(info?.period ?? "期")"
            table.add([
                policy.policyID, policy.title, policy.subject, String(evaluated), String(c["eligible"] ?? 0), String(c["excluded"] ?? 0),
                String(c["over_budget"] ?? 0), String(c["unknown"] ?? 0), String(c["ineligible"] ?? 0), amount,
            ])
        }
        let read = ["居民", "家庭", "企业"].compactMap { s in run.result.populations[s].map { "\(s) \($0.count)" } }
        let r = run.record
        var lines = [
            "运行 \(r.id)（评估日 \(r.asOf)；\(r.includeDrafts ? "含草稿" : "已发布的政策")；评估 \(read.joined(separator: "、"))；引擎 \(r.engine)）",
            "", table.render(), "",
        ]
        for policy in r.policies where (policy.counts["over_budget"] ?? 0) > 0 {
            let info = run.info[policy.policyID]
            lines.append("\(policy.policyID)　年度预算 \(info?.budget ?? "") 元已用完：\(policy.counts["over_budget"] ?? 0) 个符合条件的对象超出预算（发放顺序 \(info?.grantOrder ?? "按对象编号升序")）。")
        }
        lines.append("规则集 SHA-256 \(r.rulesSHA256)")
        lines.append("结果 SHA-256 \(r.resultsSHA256)（results --run \(r.id) --all --format csv）")
        lines.append("运行编号 \(r.id)")
        return lines.joined(separator: "\n")
    }
}
