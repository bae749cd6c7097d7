import ArgumentParser
import Evaluation
import Foundation
import Pipeline
import Store

/// `--run ID` for commands that read a stored run; the latest run by default.
struct RunOptions: ParsableArguments {
    @Option(name: .customLong("run"), help: ArgumentHelp("运行编号（默认最近一次运行；mianshen runs list 列出全部）。", valueName: "ID"))
    var run: Int64?

    /// The run asked for, or exit 1 with a sentence saying what to do.
    func load(_ store: ProfileStore) throws -> LoadedRun {
        try Self.load(store, id: run)
    }

    static func load(_ store: ProfileStore, id run: Int64?) throws -> LoadedRun {
        if let loaded = try BatchRun.load(store: store, id: run) { return loaded }
        if let run {
            printError("没有编号为 \(run) 的运行；用 mianshen runs list 查看全部运行。")
        } else {
            printError("数据库中还没有运行记录：先用 mianshen run 评估全部已发布的政策。")
        }
        throw ExitCode(1)
    }
}

extension LoadedRun {
    /// Exits 64 (usage), naming what the run did evaluate, when a policy asked for is not in it.
    func requirePolicies(_ ids: [String]) throws {
        let known = Set(result.policies.map(\.policyID))
        guard let unknown = ids.first(where: { !known.contains($0) }) else { return }
        printError("运行 \(record.id) 中没有政策 \(unknown)；该运行评估了：\(known.sorted().joined(separator: "、"))。")
        throw ExitCode(64)
    }
}

/// The outcome codes of the results contract, as a command-line value.
enum OutcomeCode: String, ExpressibleByArgument, CaseIterable {
    case eligible, ineligible, unknown, excluded
    case overBudget = "over_budget"
}
