import ArgumentParser
import Datasets
import Foundation
import Pipeline
import Store

/// `mianshen audit`: the audit log of every use of personal data (全程留痕).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "审计日志（全程留痕）：查看、校验每一次使用个人信息的记录。",
        discussion: """
            profile、explain、任何 --unmask、results / applications generate / report / reminders 导出和 import
            各记一条：时间（UTC）、经办人（--operator，默认操作系统用户）、命令、范围（哪个对象或多少行）、
            目的（--purpose，--unmask 时必填）和前一条的哈希（哈希链）。
            """,
        subcommands: [List.self, Verify.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出审计日志，按时间先后。",
            discussion: "table 中身份证号脱敏；csv、json 为机器导出（全文，带前一条哈希和本条哈希），导出本身也记入审计日志。"
        )

        @Option(name: .long, help: ArgumentHelp("只列出这一天（UTC）或这一时刻起的记录，如 2026-11-30。", valueName: "DATE"))
        var since: String?

        @Option(name: .customLong("operator"), help: ArgumentHelp("只列出这位经办人的记录。", valueName: "NAME"))
        var byOperator: String?

        @Option(name: .long, help: "输出格式：table、csv 或 json（JSON Lines）。")
        var format: OutputFormat = .table

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let since, since.count < 10 || Int(since.prefix(4)) == nil {
                throw ValidationError("--since 应为日期或时刻（UTC），例如 2026-11-30 或 2026-11-30T08:00:00Z；收到“\(since)”。")
            }
        }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let entries = try AuditLog(store: profiles).entries(since: since, operator: byOperator)
                if format != .table {
                    try AuditLog(store: profiles).record(
                        operator: AuditOptions.systemUser, command: "audit list --format \(format.rawValue)",
                        scope: AuditScope("审计日志 \(entries.count) 条"), purpose: nil
                    )
                }
                switch format {
                case .csv:
                    print(CSVOutput.line(Self.header))
                    entries.forEach { print(CSVOutput.line(cells($0))) }
                case .json:
                    entries.forEach { print(JSONOutput.line(Dictionary(uniqueKeysWithValues: zip(Self.header, cells($0))))) }
                case .table:
                    var table = TextTable(["序号", "时间（UTC）", "经办人", "命令", "范围", "对象", "原文", "目的"])
                    for e in entries {
                        table.add([
                            String(e.id), e.at, e.operatorName, e.command, e.scope, shownEntity(e),
                            e.unmasked ? "是" : "", e.purpose ?? "",
                        ])
                    }
                    print(table.render())
                    print("共 \(entries.count) 条。校验哈希链：mianshen audit verify")
                }
            }
        }

        static let header = ["id", "at", "operator", "command", "scope", "entity", "unmasked", "purpose", "previous_hash", "hash"]

        private func cells(_ e: AuditRecord) -> [String] {
            [
                String(e.id), e.at, e.operatorName, e.command, e.scope, e.entity ?? "", e.unmasked ? "1" : "0", e.purpose ?? "",
                e.previousHash, e.hash,
            ]
        }

        /// Only 身份证号 are personal data; 户号 and 统一社会信用代码 are shown as they are.
        private func shownEntity(_ e: AuditRecord) -> String {
            guard let entity = e.entity else { return "" }
            return RulesCommand.Try.personalData(entity) == nil ? entity : Masking.mask(entity, as: .idNumber)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "校验审计日志的哈希链：发现被修改、删除或调换顺序的记录时列出并以退出码 1 结束。"
        )

        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let result = try AuditLog(store: profiles).verify()
                if result.isIntact {
                    let head = result.head.map { "，链首第 \($0.lastID) 条，哈希 \($0.lastHash)" } ?? ""
                    print("审计日志完整：共 \(result.entries) 条，哈希链无断裂\(head)。")
                    return
                }
                print("审计日志已被篡改：共 \(result.entries) 条，发现 \(result.problems.count) 处问题：")
                result.problems.forEach { print("  \($0)") }
                throw ExitCode(1)
            }
        }
    }
}
