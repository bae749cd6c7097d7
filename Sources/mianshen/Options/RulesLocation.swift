import ArgumentParser
import Datasets
import Foundation

/// Where the rules are: `--rules DIR` (default ./Rules, or MIANSHEN_RULES); schemas in DIR/schemas.
struct RulesLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("规则目录，其中 schemas/ 为数据规范（默认 ./Rules，或 MIANSHEN_RULES）。", valueName: "DIR"))
    var rules: String?

    var directory: String { rules ?? ProcessInfo.processInfo.environment["MIANSHEN_RULES"] ?? "Rules" }

    func schemas() throws -> SchemaSet { try SchemaLoader.load(directory: directory + "/schemas") }

    /// Shared conditions, facts and parameters, compiled with any subset of the rules.
    var shared: String { directory + "/common" }
}
