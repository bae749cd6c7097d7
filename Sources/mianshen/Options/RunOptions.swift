import ArgumentParser
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

/// The outcome codes of the results contract, as a command-line value.
enum OutcomeCode: String, ExpressibleByArgument, CaseIterable {
    case eligible, ineligible, unknown, excluded
    case overBudget = "over_budget"
}
