import ArgumentParser
import Datasets
import Foundation
import Pipeline
import Store

/// `mianshen review list|decide|reopen|show`: the manual review queue (人工复核) that runs fill with
/// their unknowns, and the decisions later runs honour while the inputs stay the same.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "人工复核：运行中“待人工复核”的对象逐项复核、决定、申诉后重新打开。",
        discussion: """
            每次 run（不含 --include-drafts 的试运行）为每个待人工复核的（对象，政策）开立一个复核事项，
            记下缺少的数据和该政策读到的全部数据的哈希；同一输入已有待复核或已决定的事项时不再开立。
            决定之后的运行按决定报告结果（符合及其金额，或不符合），直到这些数据发生变化，事项随即重新打开。
            """,
        subcommands: [List.self, Show.self, Decide.self, Reopen.self]
    )

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
        case open, decided, all
    }

    enum OutcomeArgument: String, ExpressibleByArgument, CaseIterable {
        case eligible, ineligible

        var outcome: ReviewItem.Outcome { self == .eligible ? .eligible : .ineligible }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出复核事项：编号、政策、对象、状态、缺少的数据、开立的运行、决定与复核人。")

        @Option(name: .long, help: "只列这项政策的事项。")
        var policy: String?

        @Option(name: .long, help: "状态：open（待复核，默认）、decided（已决定）或 all。")
        var status: StatusFilter = .open

        @Option(name: .long, help: "输出格式：table、csv 或 json（JSON Lines；对象编号为原文）。")
        var format: OutputFormat = .table

        @OptionGroup var store: StoreOptions
        @OptionGroup var masking: MaskingOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let items = try profiles.reviewItems(status: ReviewItem.Status(rawValue: status.rawValue), policy: policy)
                // CSV and JSON carry ids in full: always recorded; the masked table only with --unmask.
                let scope = AuditScope("复核事项 \(items.count) 项\(policy.map { "（\($0)）" } ?? "")")
                if format == .table {
                    try masking.recordIfUnmasked(profiles, command: "review list", scope: scope)
                } else {
                    try masking.record(profiles, command: "review list --format \(format.rawValue)", scope: scope)
                }
                switch format {
                case .csv:
                    print(([CSVOutput.line(ReviewText.headers)] + items.map { CSVOutput.line(ReviewText.record($0)) }).joined(separator: "\n"))
                case .json:
                    for item in items {
                        var object: [String: Any] = Dictionary(uniqueKeysWithValues: zip(ReviewText.headers, ReviewText.record(item)).map { ($0, $1 as Any) })
                        object["id"] = item.id
                        object["opened_run"] = item.openedRun
                        object["last_run"] = item.lastRun
                        print(JSONOutput.line(object))
                    }
                case .table:
                    guard !items.isEmpty else {
                        print(status == .open ? "没有待复核的事项。" : "没有符合条件的复核事项。")
                        return
                    }
                    print(ReviewText.table(items, masking: masking))
                    print("共 \(items.count) 项。决定：mianshen review decide 编号 --outcome eligible|ineligible --reason … --operator 姓名")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示一个复核事项及其全部记录（开立、决定、申诉重开、数据变化）。")

        @Argument(help: ArgumentHelp("复核事项编号（review list 第一列）。", valueName: "ITEM"))
        var item: Int64

        @OptionGroup var store: StoreOptions
        @OptionGroup var masking: MaskingOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                guard let found = try profiles.reviewItem(item) else { throw ReviewError.noSuchItem(item) }
                try masking.recordIfUnmasked(profiles, command: "review show", scope: AuditScope("复核 #\(item)", entity: found.entityID))
                print(ReviewText.table([found], masking: masking))
                print("输入哈希 \(found.inputsSHA256)")
                print("\(found.openedAt)　\(ReviewText.action("opened"))，运行 \(found.openedRun)")
                for event in try profiles.reviewEvents(item) {
                    let who = event.reviewer.map { "，\($0)" } ?? ""
                    let run = event.runID.map { "，运行 \($0)" } ?? ""
                    print("\(event.at)　\(ReviewText.action(event.action))\(run)\(who)\(event.note.map { "：\($0)" } ?? "")")
                }
            }
        }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "对一个待复核的事项作出决定；之后的运行按此报告，直到该对象被读到的数据变化。",
            discussion: "认定符合且该政策发放金额时须用 --amount 给出金额（元）：待人工复核的对象引擎不计算金额。"
        )

        @Argument(help: ArgumentHelp("复核事项编号（review list 第一列）。", valueName: "ITEM"))
        var item: Int64

        @Option(name: .long, help: "结论：eligible（符合）或 ineligible（不符合）。")
        var outcome: OutcomeArgument

        @Option(name: .long, help: "理由（写入复核记录）。")
        var reason: String

        @Option(name: .customLong("operator"), help: ArgumentHelp("复核人姓名。", valueName: "NAME"))
        var reviewer: String

        @Option(name: .long, help: ArgumentHelp("认定符合时每期发放的金额（元，至多两位小数），例如 1500 或 892.50。", valueName: "YUAN"))
        var amount: String?

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason 不能为空：写明作出该结论的依据。") }
            if reviewer.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--operator 不能为空：写明复核人姓名。") }
            if let amount {
                guard outcome == .eligible else { throw ValidationError("--amount 只用于 --outcome eligible：不符合的对象不发放金额。") }
                guard let value = ScaledDecimal.parse(amount, scale: 2), value.units >= 0 else {
                    throw ValidationError("--amount 应为以元计的非负金额，至多两位小数，例如 1500 或 892.50；收到“\(amount)”。")
                }
            }
        }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                guard let found = try profiles.reviewItem(item) else { throw ReviewError.noSuchItem(item) }
                let fen = amount.flatMap { ScaledDecimal.parse($0, scale: 2)?.units }
                if outcome == .eligible, found.needsAmount, fen == nil {
                    throw ReviewError("政策 \(found.policyID) 发放金额：认定符合时须用 --amount 给出每期金额（元）；待人工复核的对象引擎不计算金额。")
                }
                if fen != nil, !found.needsAmount { throw ReviewError("政策 \(found.policyID) 不发放金额，不要给 --amount。") }
                let decided = try profiles.decideReviewItem(item, outcome: outcome.outcome, amountFen: fen, reason: reason, reviewer: reviewer)
                try AuditLog(store: profiles).record(
                    operator: reviewer, command: "review decide",
                    scope: AuditScope("复核 #\(item) \(found.policyID) 决定\(outcome.outcome.label)", entity: found.entityID), purpose: reason
                )
                let money = decided.amountFen.map { "，每期 \(ResultsExport.yuan($0)) 元" } ?? ""
                print("复核事项 \(item) 已决定：\(outcome.outcome.label)\(money)（复核人 \(reviewer)）。之后的运行按此报告，直到该对象被读到的数据变化。")
            }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重新打开一个已决定的事项（异议申诉）；原决定保留在记录中。")

        @Argument(help: ArgumentHelp("复核事项编号。", valueName: "ITEM"))
        var item: Int64

        @Option(name: .long, help: "重新打开的原因（如申诉内容）。")
        var note: String

        @Option(name: .customLong("operator"), help: ArgumentHelp("经办人（默认当前系统用户）。", valueName: "NAME"))
        var reviewer: String?

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if note.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--note 不能为空：写明重新打开的原因。") }
        }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let who = reviewer ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
                _ = try profiles.reopenReviewItem(item, note: note, reviewer: who)
                let entity = try profiles.reviewItem(item)?.entityID
                try AuditLog(store: profiles).record(
                    operator: who, command: "review reopen", scope: AuditScope("复核 #\(item) 重新打开", entity: entity), purpose: note
                )
                print("复核事项 \(item) 已重新打开（\(who)）：之后的运行报告为待人工复核，直到再次决定。")
            }
        }
    }
}

