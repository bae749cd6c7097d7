import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Pipeline
import RuleLanguage
import Store

/// `mianshen engine`: the columnar engine's own checks (used by Scripts/differential.sh).
struct EngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "列式引擎：与参考求值器逐个对象核对，并给出装载与计算耗时。",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "用列式引擎评估全部政策（含草稿），再用参考求值器逐个对象复算并比较结果、金额和每个条件；有不一致时退出码为 1。"
        )

        @Option(name: .customLong("as-of"), help: ArgumentHelp("评估日（默认今天）。", valueName: "YYYY-MM-DD"))
        var asOf: String?

        @Option(name: .long, help: ArgumentHelp("每类对象最多核对这么多个（默认全部）。", valueName: "N"))
        var limit: Int?

        @Flag(name: .customLong("no-reference"), help: "只用列式引擎计算，不用参考求值器核对（测速用）。")
        var noReference = false

        @Flag(name: .long, help: "输出装载与计算耗时。")
        var timing = false

        @OptionGroup var store: StoreOptions
        @OptionGroup var masking: MaskingOptions

        func validate() throws {
            if let asOf, Day.parse(asOf) == nil {
                throw ValidationError("--as-of 应为 YYYY-MM-DD 格式的真实日期，例如 2026-06-30。")
            }
            if let limit, limit < 1 { throw ValidationError("--limit 应为正整数。") }
        }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openExistingStore()
                try masking.recordIfUnmasked(profiles, command: "engine verify --unmask", scope: AuditScope("引擎核对中不一致的对象"))
                let catalog = try RuleCatalog.entries(rulesDirectory: store.rulesDirectory, schemas: profiles.schemas)
                try RulesCommand.requireCompiled(catalog.compiled)
                guard let program = catalog.program else { throw ExitCode(1) }
                let day = asOf.flatMap { Day.parse($0) } ?? RulesCommand.Show.today()
                let policies = catalog.entries.map(\.policy)
                let report = try EngineVerification.run(
                    policies: policies, program: program, store: profiles, asOf: day, reference: !noReference, limit: limit
                )
                if timing {
                    let entities = report.result.populations.values.map(\.count).reduce(0, +)
                    print(String(format: "装载 %.3f 秒，计算 %.3f 秒（%d 个对象，%d 项政策）", report.loadSeconds, report.evaluateSeconds, entities, policies.count))
                }
                for batch in report.result.policies {
                    let counts = BatchOutcome.allCases.map { outcome in batch.outcomes.count { $0 == outcome } }
                    if timing { print("\(batch.policyID) " + zip(BatchOutcome.allCases, counts).filter { $0.1 > 0 }.map { "\($0.0.code)=\($0.1)" }.joined(separator: " ")) }
                }
                guard !noReference else { return }
                for mismatch in report.mismatches.prefix(50) {
                    // 身份证号 masked unless --unmask; 户号 and 统一社会信用代码 are not personal data.
                    let entity = mismatch.subject == "居民" && !masking.unmask ? Masking.maskID(mismatch.entity) : mismatch.entity
                    print("不一致：\(mismatch.subject) \(entity) \(mismatch.policy)：\(mismatch.detail)")
                }
                if !report.mismatches.isEmpty {
                    print("不一致：共 \(report.mismatches.count) 处（\(report.compared) 个对象 × \(report.policyCount) 项政策）")
                    throw ExitCode(1)
                }
                print("一致：\(report.compared) 个对象 × \(report.policyCount) 项政策")
            }
        }
    }
}
