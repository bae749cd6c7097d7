internal import Datasets
internal import Diagnostics
internal import Foundation
internal import Logging
internal import Outputs
internal import Store

/// The night's steps, in order: the single place a step is added. Each step calls the stage
/// API the matching command uses (Importer, BatchRun, ApplicationBatch, ReminderCollector,
/// GrantLedger, RunReportBuilder); none repeats their logic.
public enum NightlyPlan {
    public static func steps(_ config: NightlyConfig) -> [NightlyStep] {
        config.inputs.enumerated().map { importStep($0.offset + 1, $0.element) }
            + [runStep, applicationsStep, remindersStep, grantsStep, outboxStep, dispatchStep, reportStep]
    }

    /// Importing the same content again is a no-op in the Importer (its ledger keeps each file's
    /// SHA-256), so an import committed by a killed attempt is found there, not repeated.
    static func importStep(_ number: Int, _ request: ImportRequest) -> NightlyStep {
        NightlyStep(name: "import-\(number)", label: "导入 \(number)（\(request.kind.label) \((request.path as NSString).lastPathComponent)）") { context, _ in
            var logger = context.logger
            logger[metadataKey: "step"] = "import-\(number)"
            var importer = Importer(store: context.store, logger: logger)
            importer.engineFields = (try? context.rules()).map { Importer.engineFields(program: $0.program, entries: $0.entries) }
            let summary = try importer.run(request)
            let r = summary.record
            if summary.rejected {
                throw NightlyStepError("导入 #\(r.id) \(request.path) 被拒绝：\(r.message ?? "")（查看原因：mianshen quarantine list --import \(r.id)）", category: .inputRejected)
            }
            let c = r.counts
            let message = summary.isNoOp
                ? "内容与导入 #\(r.id) 相同，已跳过"
                : "导入 #\(r.id)：读取 \(c.rowsRead) 行，新增 \(c.inserted)，更新 \(c.updated)，隔离 \(c.quarantined)"
                    + (r.full ? "，注销/迁出 \(c.deactivated)" : "")
            return NightlyOutcome(produced: "import \(r.id)", message: message)
        }
    }

    /// A run a killed attempt committed is found by what it read (as-of day, rules hash, the
    /// latest imports) among the runs saved since the step first started; never run twice.
    static var runStep: NightlyStep {
        NightlyStep(
            name: "run", label: "批量评估",
            before: { context in String(try context.store.latestRunID() ?? 0) }
        ) { context, before in
            let (all, program) = try context.rules()
            let entries = BatchRun.select(all, asOf: context.asOf, includeDrafts: false)
            guard !entries.isEmpty else {
                throw NightlyStepError("没有已发布且在 \(context.asOf) 有效的政策，未运行。", category: .inputRejected)
            }
            let rulesHash = BatchRun.rulesHash(entries)
            let inputs = Set(try BatchRun.currentInputs(context.store))
            let floor = before.flatMap { Int64($0) } ?? Int64.max
            if let found = try context.store.runs().last(where: {
                $0.id > floor && $0.asOf == context.asOf.description && !$0.includeDrafts && $0.rulesSHA256 == rulesHash
                    && Set($0.inputs) == inputs
            }) {
                context.runID = found.id
                return NightlyOutcome(produced: "run \(found.id)", message: "运行 \(found.id) 已在中断前保存（评估日 \(found.asOf)），不再重复运行")
            }
            let run = try BatchRun.execute(
                entries: entries, program: program, store: context.store, asOf: context.asOf, includeDrafts: false,
                opensReviewItems: true, postsGrants: true
            )
            context.adopt(run)
            let eligible = run.record.policies.reduce(0) { $0 + ($1.counts["eligible"] ?? 0) }
            return NightlyOutcome(
                produced: "run \(run.record.id)",
                message: "运行 \(run.record.id)（评估日 \(run.record.asOf)）：\(run.record.policies.count) 项政策，符合 \(eligible) 项次"
            )
        }
    }

    /// Regenerated files are byte-identical and the store's application records are upserted.
    static var applicationsStep: NightlyStep {
        NightlyStep(name: "applications", label: "申请表") { context, _ in
            let run = try context.run()
            let directory = try context.outputs() + "/applications"
            let (forms, schema) = try FormLoader.load(
                directory: context.config.rulesDirectory + "/forms", schemas: context.store.schemas,
                subjects: ApplicationBatch.formSubjects(run, catalog: try context.rules().entries)
            )
            try context.audit("applications", "运行 \(run.record.id) 的申请表写入 \(directory)")
            let summary = try ApplicationBatch.generate(run: run, store: context.store, forms: forms, schema: schema, output: directory)
            var message = "申请表 \(summary.written.count) 份写入 \(directory)"
            if !summary.failed.isEmpty { message += "；\(summary.failed.count) 份未通过 XSD 校验，未保存" }
            if !summary.withoutForm.isEmpty { message += "；没有申请表模板的政策：\(summary.withoutForm.joined(separator: "、"))" }
            return NightlyOutcome(
                produced: "applications \(summary.written.count)", message: message,
                problem: summary.failed.isEmpty ? nil : .inputRejected
            )
        }
    }

    static var remindersStep: NightlyStep {
        NightlyStep(name: "reminders", label: "提醒") { context, _ in
            let run = try context.run()
            let (entries, program) = try context.rules()
            let collected = try ReminderCollector.collect(run, store: context.store, entries: entries, program: program, wanted: nil)
            collected.notes.forEach { context.logger.warning("\($0)", metadata: ["step": "reminders"]) }
            let path = try context.outputs() + "/reminders.csv"
            try context.audit("reminders", "运行 \(run.record.id) 的提醒 \(collected.reminders.count) 条写入 \(path)")
            let lines = [Reminder.csvHeader] + collected.reminders.map(\.csvCells)
            try Data(lines.map { CSVText.line($0) + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return NightlyOutcome(produced: "reminders \(collected.reminders.count)", message: "提醒 \(collected.reminders.count) 条写入 \(path)")
        }
    }

    /// The run posts its grants in its own transaction; this step reports them. A run found after
    /// a kill was posted with it too: posting it again is idempotent (unchanged grants counted).
    static var grantsStep: NightlyStep {
        NightlyStep(name: "grants", label: "发放台账") { context, _ in
            let run = try context.run()
            let posted = try run.posted ?? GrantLedger.post(run: run, store: context.store)
            var message = "运行 \(run.record.id) 记入发放台账：新增 \(posted.created)，补发 \(posted.topUps)，追回 \(posted.clawbacks)，未变 \(posted.unchanged)，待核 \(posted.flagged)"
            if !posted.withoutPayee.isEmpty { message += "；缺收款人未记入 \(posted.withoutPayee.count) 笔" }
            return NightlyOutcome(produced: "grants \(posted.created)", message: message)
        }
    }

    // MARK: push

    /// The night's benefit items as digests in the outbox, in one transaction; queueing the same
    /// run again writes nothing new (a resumed night).
    static var outboxStep: NightlyStep {
        NightlyStep(name: "outbox", label: "写入推送发件箱") { context, _ in
            let run = try context.run()
            let clock = PushClock(now: context.now, settings: try context.pushSettings(), night: context.night.description)
            let templates = try PushTemplates(directory: context.config.rulesDirectory + "/templates")
            let summary = try PushQueue.queue(run: run, store: context.store, templates: templates, clock: clock, rules: try context.rules())
            try context.audit("outbox", "运行 \(run.record.id) 的推送事项 \(summary.items) 项，消息 \(summary.queued) 条")
            return NightlyOutcome(
                produced: "messages \(summary.queued)",
                message: "推送事项 \(summary.items) 项（已告知且未变 \(summary.alreadyTold) 项），写入待发消息 \(summary.queued) 条，"
                    + "线下告知 \(summary.offline) 条，不同意推送 \(summary.refused) 项，已退订 \(summary.optedOut) 项"
            )
        }
    }

    /// Sends what is due, outside quiet hours (a morning `push dispatch` sends what waited). A
    /// gateway that failed some messages, or no signing secret, lets the night finish with 69.
    static var dispatchStep: NightlyStep {
        NightlyStep(name: "dispatch", label: "发送推送") { context, _ in
            let clock = PushClock(now: context.now, settings: try context.pushSettings(), night: context.night.description)
            if clock.isQuiet() {
                let waiting = try context.store.pushMessageCount(statuses: ["queued", "sending"])
                return NightlyOutcome(message: "免打扰时段（\(clock.settings.quietHoursText)），\(waiting) 条消息等待之后的 push dispatch")
            }
            let gateway: HTTPGateway
            do {
                gateway = try HTTPGateway(settings: clock.settings, secret: try HTTPGateway.secret(clock.settings))
            } catch {
                return NightlyOutcome(message: "未发送：\(error)", problem: .gatewayUnavailable)
            }
            let summary = try await PushDispatcher.dispatch(store: context.store, gateway: gateway, clock: clock)
            if summary.delivered + summary.failed > 0 {
                try context.audit("dispatch", "发往网关的消息 \(summary.delivered + summary.failed) 条（送达 \(summary.delivered) 条）")
            }
            // The night's failed messages, whichever attempt sent them (one killed mid-dispatch, say).
            let failed = try context.store.pushMessageCount(statuses: ["failed"], night: clock.night)
            return NightlyOutcome(
                produced: "delivered \(summary.delivered)",
                message: "送达 \(summary.delivered) 条，失败 \(summary.failed) 条，过期 \(summary.expired) 条，重试 \(summary.retries) 次，"
                    + "限速等待 \(summary.waiting) 条" + (failed > summary.failed ? "；当晚共有 \(failed) 条失败（push status）" : ""),
                problem: failed > 0 ? .gatewayUnavailable : nil
            )
        }
    }

    static var reportStep: NightlyStep {
        NightlyStep(name: "report", label: "分析报告") { context, _ in
            let run = try context.run()
            let report = try RunReportBuilder.build(run, store: context.store)
            let path = try context.outputs() + "/report.html"
            try Data(ReportHTML.render(report).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            return NightlyOutcome(produced: "report", message: "运行 \(run.record.id) 的分析报告写入 \(path)")
        }
    }
}
