public import Datasets
public import Diagnostics
internal import Foundation
internal import Logging
public import Store

/// Runs the night's steps in order, each recorded in the nightly ledger (started, then done or
/// failed). A step already done this night is skipped, so a night killed at any moment continues
/// from its last completed step; a failing step stops the night and is retried by the next call.
public enum NightlyRunner {
    public struct Summary: Sendable {
        public var night: Day
        public var asOf: Day
        /// Every step of the plan as the ledger holds it after this call.
        public var steps: [NightlyStepRecord]
        /// Steps this call skipped because an earlier call had done them.
        public var skipped: [String]
        /// The night had been completed before this call: nothing was done.
        public var alreadyComplete: Bool
        /// The worst problem a completed step reported (the exit code), if any.
        public var problem: ErrorCategory?
    }

    public static func run(_ steps: [NightlyStep], context: NightlyContext) async throws -> Summary {
        let store = context.store
        let night = context.night.description
        var recorded = Dictionary(try store.nightlySteps(night: night).map { ($0.step, $0) }, uniquingKeysWith: { $1 })
        for record in recorded.values where record.status == .done { absorb(record, into: context) }
        let alreadyComplete = steps.allSatisfy { recorded[$0.name]?.status == .done }
        var skipped: [String] = []
        // A resumed night still exits with the problems its earlier attempts' steps finished with
        // (cron must see 69 though the failing dispatch ran before a crash); a night already
        // complete says so and exits 0.
        var problem: ErrorCategory? = alreadyComplete ? nil : recorded.values
            .filter { $0.status == .done }.compactMap { $0.problem.flatMap(ErrorCategory.init(rawValue:)) }
            .reduce(nil) { worse($0, $1) }
        if alreadyComplete {
            context.logger.notice("夜间任务 \(night) 的全部步骤已完成，无事可做", metadata: ["step": "nightly"])
        }
        for (position, step) in steps.enumerated() where !alreadyComplete {
            let meta: Logger.Metadata = ["step": "\(step.name)"]
            if let done = recorded[step.name], done.status == .done {
                skipped.append(step.name)
                context.logger.info("\(step.label)：已于 \(done.finishedAt ?? "") 完成，跳过", metadata: meta)
                continue
            }
            let before = try recorded[step.name]?.before ?? step.before(context)
            if let previous = recorded[step.name] {
                context.logger.notice("\(step.label)：继续（上次状态 \(previous.status.rawValue)，第 \(previous.attempts + 1) 次）", metadata: meta)
            } else {
                context.logger.info("\(step.label)：开始", metadata: meta)
            }
            try store.startNightlyStep(night: night, position: position, step: step.name, before: before)
            let outcome: NightlyOutcome
            do {
                outcome = try await step.body(context, before)
            } catch {
                try? store.finishNightlyStep(night: night, step: step.name, status: .failed, produced: nil, message: "\(error)")
                context.logger.error("\(step.label)：失败：\(error)", metadata: meta)
                throw error
            }
            try store.finishNightlyStep(
                night: night, step: step.name, status: .done, produced: outcome.produced, message: outcome.message,
                problem: outcome.problem?.rawValue
            )
            if let p = outcome.problem {
                problem = worse(problem, p)
                context.logger.warning("\(step.label)：完成，但有问题：\(outcome.message)", metadata: meta)
            } else {
                context.logger.info("\(step.label)：完成：\(outcome.message)", metadata: meta)
            }
            if let record = try store.nightlySteps(night: night).first(where: { $0.step == step.name }) {
                recorded[step.name] = record
                absorb(record, into: context)
            }
        }
        let final = try store.nightlySteps(night: night)
        return Summary(
            night: context.night, asOf: context.asOf, steps: final, skipped: skipped, alreadyComplete: alreadyComplete,
            problem: problem
        )
    }

    /// What a done step tells later steps: the run step's run id.
    static func absorb(_ record: NightlyStepRecord, into context: NightlyContext) {
        if record.step == "run", let produced = record.produced, produced.hasPrefix("run "), let id = Int64(produced.dropFirst(4)) {
            if context.runID != id { context.runID = id }
        }
    }

    /// The category with the higher exit code wins (69 over 1).
    static func worse(_ a: ErrorCategory?, _ b: ErrorCategory) -> ErrorCategory {
        guard let a else { return b }
        return a.rawValue >= b.rawValue ? a : b
    }
}
