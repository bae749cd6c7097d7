import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen results`: a run's per-entity results, under the results contract (README).
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "导出一次运行的逐个对象结果（默认不含“不符合”的行），按政策编号、对象编号排序。",
        discussion: """
            CSV 表头固定为 entity_id,policy_id,outcome,amount；outcome 为 eligible（符合）、ineligible（不符合）、
            unknown（待人工复核）、excluded（互斥未享）、over_budget（超出预算）；amount 以元计、两位小数，只在
            eligible 和 over_budget 行填写。CSV 和 JSON 中的编号是全文（机器导出），table 中身份证号脱敏。
            在别处按同一契约计算的结果用 results import 导入为一次运行。
            """,
        subcommands: [ResultsImportCommand.self]
    )

    @OptionGroup var runOptions: RunOptions

    @Option(name: .customLong("policy"), help: ArgumentHelp("只导出这项政策（可重复）。", valueName: "ID"))
    var policies: [String] = []

    @Option(name: .customLong("outcome"), help: ArgumentHelp("只导出这种结果（可重复）：eligible、ineligible、unknown、excluded、over_budget。", valueName: "CODE"))
    var outcomes: [OutcomeCode] = []

    @Option(name: .customLong("street"), help: ArgumentHelp("只导出户籍或注册地在这个街道、乡镇的对象（9 位代码或名称，如 淮河路街道；可重复）。", valueName: "STREET"))
    var streets: [String] = []

    @Flag(name: .long, help: "包含“不符合”的行：每个对象与其适用的每项政策恰好一行。")
    var all = false

    @Flag(name: .long, help: "追加列：政策名称、领取人编号、街道、不满足的条件、缺失数据的字段。")
    var wide = false

    @Option(name: .long, help: "输出格式：table、csv 或 json（JSON Lines）。")
    var format: OutputFormat = .table

    @OptionGroup var store: StoreOptions
    @OptionGroup var masking: MaskingOptions

    func run() throws {
        try reportingErrors {
            let profiles = try store.openExistingStore()
            let loaded = try runOptions.load(profiles)
            try loaded.requirePolicies(policies)
            let directory = wide || !streets.isEmpty ? try profiles.directory() : nil
            let streetCodes = try streetCodes(profiles.schemas.divisions)
            let wanted = Set(outcomes.compactMap { BatchOutcome(code: $0.rawValue) })
            let context = ResultsWide(
                run: loaded, directory: directory, divisions: profiles.schemas.divisions,
                reviews: wide ? try ResultsWide.reviews(profiles, policies: policies) : [:],
                present: wide ? try loaded.presentFields(profiles) : nil
            )
            var table = TextTable(
                ["对象", "政策", "结果", "金额（元）"] + (wide ? ["政策名称", "领取人", "街道", "不满足的条件", "缺失数据的字段", "人工复核"] : [])
            )
            if format == .csv, !wide, streetCodes == nil {
                // The contract's export: the very bytes the run's ledger hashed.
                let (chosen, codes) = (policies.isEmpty ? nil : Set(policies), wanted.isEmpty ? nil : wanted)
                ResultsExport.csv(loaded.result, all: all, policies: chosen, outcomes: codes) { writeStandardOutput(Data($0)) }
                try recordUse(profiles, loaded, rows: ResultsExport.count(loaded.result, all: all, policies: chosen, outcomes: codes))
                return
            }
            var out = OutputBuffer()
            var rowCount = 0
            if format == .csv {
                out.line(ResultsExport.header + (wide ? ",policy_name,payee_id,street,failed_conditions,missing_fields,review" : ""))
            }
            ResultsExport.rows(
                loaded.result, all: all, policies: policies.isEmpty ? nil : Set(policies), outcomes: wanted.isEmpty ? nil : wanted
            ) { row in
                if let streetCodes {
                    guard let code = directory?.division[row.entityID], streetCodes.contains(code) else { return }
                }
                rowCount += 1
                let extra = wide ? context.columns(row) : []
                switch format {
                case .csv:
                    out.line(([ResultsExport.csvLine(row)] + extra.map(CSVOutput.quote)).joined(separator: ","))
                case .json:
                    var object: [String: Any] = [
                        "entity_id": row.entityID, "policy_id": row.policyID, "outcome": row.outcome.code,
                        "amount": row.amount.isEmpty ? NSNull() : row.amount,
                    ]
                    if wide {
                        for (key, value) in zip(["policy_name", "payee_id", "street", "failed_conditions", "missing_fields", "review"], extra) {
                            object[key] = value
                        }
                    }
                    out.line(JSONOutput.line(object))
                case .table:
                    let subject = loaded.result.policies[row.policy].subject
                    let id = masking.show(row.entityID, as: subject == "企业" || subject == "家庭" ? nil : .idNumber)
                    var cells = [id, row.policyID, row.outcome.label, row.amount]
                    if wide { cells += [extra[0], masking.show(extra[1], as: subject == "企业" ? nil : .idNumber)] + extra[2...] }
                    table.add(cells)
                }
            }
            try recordUse(profiles, loaded, rows: rowCount)
            if format == .table {
                print("运行 \(loaded.record.id)（评估日 \(loaded.record.asOf)）\(all ? "" : "；不含“不符合”的行，--all 显示全部")")
                print(table.render())
                print("共 \(table.rows.count) 行。")
            }
            out.flush()
        }
    }

    /// One audit entry: the run, the filters and how many rows were shown.
    private func recordUse(_ profiles: ProfileStore, _ loaded: LoadedRun, rows: Int) throws {
        var filters = [all ? "含不符合" : "不含不符合"]
        if !policies.isEmpty { filters.append("政策 " + policies.joined(separator: "、")) }
        if !outcomes.isEmpty { filters.append("结果 " + outcomes.map(\.rawValue).joined(separator: "、")) }
        if !streets.isEmpty { filters.append("街道 " + streets.joined(separator: "、")) }
        try masking.record(
            profiles, command: "results --format \(format.rawValue)\(wide ? " --wide" : "")",
            scope: AuditScope("运行 \(loaded.record.id) 的结果 \(rows) 行（\(filters.joined(separator: "，"))）")
        )
    }

    /// The division codes `--street` names (by code or by name); nil without --street.
    private func streetCodes(_ divisions: DivisionCatalog) throws -> Set<String>? {
        guard !streets.isEmpty else { return nil }
        var codes: Set<String> = []
        for street in streets {
            if street.count == 9, street.allSatisfy(\.isNumber) {
                codes.insert(street)
            } else if let code = divisions.code(named: street) {
                codes.insert(code)
            } else {
                printError("不认识街道“\(street)”：写 9 位区划代码，或 Rules/schemas/divisions.yaml 中的街道、乡镇名称。")
                throw ExitCode(64)
            }
        }
        return codes
    }
}

extension BatchOutcome {
    init?(code: String) {
        guard let outcome = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = outcome
    }
}

/// Writes stdout in large pieces (a million rows are not a million `print`s).
struct OutputBuffer {
    private var data = Data()

    mutating func line(_ text: String) {
        data.append(contentsOf: Array(text.utf8))
        data.append(0x0A)
        if data.count > 1 << 20 { flush() }
    }

    mutating func flush() {
        writeStandardOutput(data)
        data.removeAll(keepingCapacity: true)
    }
}

extension DivisionCatalog {
    /// The code of a 二七区 township by its name (淮河路街道).
    func code(named name: String) -> String? {
        erqiTownships.filter { $0.value == name }.keys.min()
    }
}
