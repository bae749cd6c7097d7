import ArgumentParser
import Datasets
import Foundation
import Pipeline
import Store

/// `mianshen grants flags`: the review flags of grants whose holder stopped being eligible in an
/// open period — listed, and closed by a person once looked at (a later run that finds the
/// holder eligible again resolves the flag by itself).
struct GrantsFlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "待复核标记：本受益期已记账、后来的运行不再符合的发放。",
        discussion: "之后的运行再次认定符合时，标记自动解除（记下该运行）；核实后无需处理的，用 grants flags close 关闭（记入审计日志）。",
        subcommands: [List.self, Close.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出待复核标记（默认只列未关闭的）。")

        @Flag(name: .long, help: "连同已关闭、已自动解除的一起列出。")
        var all = false

        @Option(name: .long, help: ArgumentHelp("只列这项政策。", valueName: "ID"))
        var policy: String?

        @OptionGroup var masking: MaskingOptions
        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let flags = try profiles.grantFlags(all: all, policyID: policy)
                try masking.recordIfUnmasked(profiles, command: "grants flags list", scope: AuditScope("待复核标记 \(flags.count) 个"))
                guard !flags.isEmpty else {
                    print(all ? "没有待复核标记。" : "没有未关闭的待复核标记（--all 连同已关闭的）。")
                    return
                }
                var table = TextTable(["编号", "发放编号", "政策", "受益期", "对象", "原因", "运行", "状态"])
                for f in flags {
                    let id = masking.show(f.entityID, as: GrantsText.looksPersonal(f.entityID) ? .idNumber : nil)
                    table.add([String(f.id), f.grantNumber, f.policyID, f.periodLabel, id, GrantsText.outcomeText(f.outcome), String(f.runID), Self.state(f)])
                }
                print(table.render() + "\n共 \(flags.count) 个。")
            }
        }

        static func state(_ f: GrantFlag) -> String {
            if f.status == "open" { return "待复核" }
            if let by = f.closedBy { return "已关闭（\(by)：\(f.reason ?? "")）" }
            return "运行 \(f.resolvedRunID ?? 0) 再次符合，已解除"
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "关闭一个待复核标记（核实后无需追回等）；理由与经办人记入审计日志。")

        @Argument(help: ArgumentHelp("标记编号（grants flags list 第一列）。", valueName: "ID"))
        var id: Int64

        @Option(name: .long, help: "理由（写入标记与审计日志）。")
        var reason: String

        @Option(name: .customLong("operator"), help: ArgumentHelp("经办人姓名。", valueName: "NAME"))
        var operatorName: String

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason 不能为空：写明关闭的理由。") }
            if operatorName.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--operator 不能为空：写明经办人姓名。") }
        }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let closed = try profiles.closeGrantFlag(id, reason: reason, operator: operatorName)
                try AuditLog(store: profiles).record(
                    operator: operatorName, command: "grants flags close",
                    scope: AuditScope("待复核标记 #\(id) \(closed.policyID) \(closed.periodLabel) 关闭", entity: closed.entityID), purpose: reason
                )
                print("待复核标记 \(id)（\(closed.policyID) \(closed.periodLabel)）已关闭（经办人 \(operatorName)）。")
            }
        }
    }
}
