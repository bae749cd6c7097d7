import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen runs list`: the run ledger.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "运行台账。",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出全部运行：编号、评估日、起止时间、引擎、政策数、符合数与金额、规则集和结果的 SHA-256、输入的导入编号。"
        )

        @Option(name: .long, help: "输出格式：table、csv 或 json（JSON Lines）。")
        var format: OutputFormat = .table

        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                let runs = try profiles.runs()
                let headers = [
                    "id", "as_of", "started_at", "finished_at", "engine", "policies", "eligible", "eligible_amount", "rules_sha256",
                    "results_sha256", "inputs",
                ]
                let rows = runs.map { r -> [String] in
                    let eligible = r.policies.reduce(0) { $0 + ($1.counts["eligible"] ?? 0) }
                    let amount = r.policies.reduce(Int64(0)) { $0 + ($1.amountsFen["eligible"] ?? 0) }
                    let inputs = r.inputs.map { "\($0.kind):\($0.importID)" }.joined(separator: " ")
                    return [
                        String(r.id), r.asOf, r.startedAt, r.finishedAt, r.engine, String(r.policies.count), String(eligible),
                        ResultsExport.yuan(amount), r.rulesSHA256, r.resultsSHA256, inputs,
                    ]
                }
                switch format {
                case .csv:
                    print(([CSVOutput.line(headers)] + rows.map(CSVOutput.line)).joined(separator: "\n"))
                case .json:
                    for (r, row) in zip(runs, rows) {
                        var object: [String: Any] = Dictionary(uniqueKeysWithValues: zip(headers, row).map { ($0, $1 as Any) })
                        object["id"] = r.id
                        object["policies"] = r.policies.count
                        object["eligible"] = Int(row[6]) ?? 0
                        print(JSONOutput.line(object))
                    }
                case .table:
                    guard !runs.isEmpty else {
                        print("还没有运行记录：用 mianshen run 评估全部已发布的政策。")
                        return
                    }
                    var table = TextTable(["编号", "评估日", "开始", "结束", "引擎", "政策", "符合", "符合金额（元）", "规则集", "结果", "输入（导入编号）"])
                    for row in rows {
                        table.add(Array(row[0...7]) + [String(row[8].prefix(12)), String(row[9].prefix(12)), row[10]])
                    }
                    print(table.render())
                    print("规则集、结果为 SHA-256 的前 12 位；--format csv 给出全文。")
                }
            }
        }
    }
}
