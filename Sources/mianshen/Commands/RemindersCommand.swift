import ArgumentParser
import Datasets
import Foundation
import Outputs
import Pipeline
import Store

/// `mianshen reminders list`: the reminders of a run's 提醒 policies.
struct RemindersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reminders",
        abstract: "提醒：方式为“提醒”的政策（如证照到期提醒）在一次运行中产生的提醒记录。",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出一次运行的提醒：对象、证照（类型、编号、有效期至、剩余天数）、联系部门。",
            discussion: """
                提醒对象是该次运行中符合提醒政策的对象；证照到期提醒按现行规则逐张判断证照，每张将到期的证照一条记录，
                按剩余天数排序。table 中证件号、名称脱敏（--unmask 显示原文）；CSV 为机器导出（供推送使用），全文，
                表头 \(Reminder.csvHeader.joined(separator: ","))。
                """
        )

        @OptionGroup var runOptions: RunOptions

        @Option(name: .long, help: ArgumentHelp("只列出这项提醒政策（可重复）。", valueName: "ID"))
        var policy: [String] = []

        @Option(name: .long, help: "输出格式：table 或 csv（UTF-8，无 BOM）。")
        var format: Format = .table

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, csv
        }

        @OptionGroup var store: StoreOptions
        @OptionGroup var masking: MaskingOptions

        func run() throws {
            try reportingErrors {
                let (profiles, entries, program) = try RulesCommand.open(store)
                let loaded = try runOptions.load(profiles)
                try loaded.requirePolicies(policy)
                let collected = try ReminderCollector.collect(
                    loaded, store: profiles, entries: entries, program: program, wanted: policy.isEmpty ? nil : Set(policy)
                )
                collected.notes.forEach { printError("注意：\($0)") }
                try masking.record(profiles, command: "reminders list --format \(format.rawValue)", scope: AuditScope(
                    "运行 \(loaded.record.id) 的提醒 \(collected.reminders.count) 条\(policy.isEmpty ? "" : "（政策 \(policy.joined(separator: "、"))）")"
                ))
                switch format {
                case .csv:
                    var out = OutputBuffer()
                    out.line(CSVOutput.line(Reminder.csvHeader))
                    collected.reminders.forEach { out.line(CSVOutput.line($0.csvCells)) }
                    out.flush()
                case .table:
                    print(table(collected.reminders, loaded))
                }
            }
        }

        private func table(_ reminders: [Reminder], _ loaded: LoadedRun) -> String {
            var table = TextTable(["政策", "对象", "名称", "街道", "证照类型", "证照编号", "有效期至", "剩余天数", "联系部门"])
            for r in reminders {
                table.add([
                    r.policyID, masking.show(r.holderID, as: .idNumber), masking.show(r.holderName, as: .name), r.street,
                    // A person's licence number often holds the 身份证号 (残疾人证): masked like it.
                    r.licence?.type ?? "", masking.show(r.licence?.number ?? "", as: r.subject == "企业" ? nil : .idNumber), r.licence?.expiry ?? "", r.licence.map { String($0.daysLeft) } ?? "",
                    r.office,
                ])
            }
            let policies = Set(reminders.map(\.policyID)).count
            return [
                "运行 \(loaded.record.id)（评估日 \(loaded.record.asOf)）的提醒：\(reminders.count) 条，涉及 \(policies) 项政策。",
                table.render(),
            ].joined(separator: "\n")
        }
    }
}
