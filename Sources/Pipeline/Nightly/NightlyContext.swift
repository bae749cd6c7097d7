public import Datasets
internal import Diagnostics
public import Foundation
public import Logging
public import RuleLanguage
public import Store

/// What every step of one night sees: the configuration, the store, the night and its
/// evaluation day, the clock, the logger, and the night's run once the run step has made or
/// found it (read back from the ledger when the night resumes after that step).
public final class NightlyContext {
    public let config: NightlyConfig
    public let store: ProfileStore
    /// The night's key: the date of `now` in the configured time zone.
    public let night: Day
    public let asOf: Day
    public let now: Date
    public let logger: Logger
    /// Who the audit log names for the night's uses of personal data.
    public let operatorName: String
    /// The night's run, once the run step is done.
    public internal(set) var runID: Int64?
    private var loadedRun: LoadedRun?
    private var compiled: (entries: [CatalogEntry], program: Program)?

    public init(config: NightlyConfig, store: ProfileStore, now: Date, logger: Logger, operatorName: String) {
        self.config = config
        self.store = store
        self.now = now
        self.night = config.night(at: now)
        self.asOf = config.asOfDay(night: night)
        self.logger = logger
        self.operatorName = operatorName
    }

    /// The night's output folder (created on first use).
    public func outputs() throws -> String {
        let directory = config.outputs(night: night)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The compiled rules (once per process); rule errors stop the night (exit 1).
    public func rules() throws -> (entries: [CatalogEntry], program: Program) {
        if let compiled { return compiled }
        let catalog = try RuleCatalog.entries(rulesDirectory: config.rulesDirectory, schemas: store.schemas)
        guard catalog.compiled.errorCount == 0, let program = catalog.program else {
            throw NightlyStepError(
                "规则目录 \(config.rulesDirectory) 有 \(catalog.compiled.errorCount) 个错误，请先用 mianshen rules check 修正。",
                category: .inputRejected
            )
        }
        compiled = (catalog.entries, program)
        return (catalog.entries, program)
    }

    /// The `[push]` and `[gateway]` tables of the night's configuration (defaults when absent).
    public func pushSettings() throws -> PushSettings {
        try PushSettings(table: config.table, file: config.path)
    }

    /// The night's run (the run step must be done).
    public func run() throws -> LoadedRun {
        if let loadedRun { return loadedRun }
        guard let runID, let run = try BatchRun.load(store: store, id: runID) else {
            throw NightlyStepError("夜间任务 \(night) 的运行记录找不到（运行步骤未完成）。", category: .io)
        }
        loadedRun = run
        return run
    }

    func adopt(_ run: LoadedRun) {
        loadedRun = run
        runID = run.record.id
    }

    /// Appends an audit entry for a step that reads or writes personal data.
    public func audit(_ step: String, _ scope: String) throws {
        try AuditLog(store: store).record(
            operator: operatorName, command: "nightly \(step)", scope: AuditScope("夜间任务 \(night)：\(scope)"),
            purpose: "夜间批处理（免申即享）"
        )
    }
}
