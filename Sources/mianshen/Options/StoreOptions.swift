public import ArgumentParser
import Datasets
import Foundation
import Ingest
import Logging
import Pipeline
import Store

/// Where the database and the rules live; shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("数据库文件路径（默认 ./mianshen.db，或环境变量 MIANSHEN_DB）。", valueName: "PATH"))
    var db: String?

    @OptionGroup var location: RulesLocation

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["MIANSHEN_DB"] ?? "mianshen.db"
    }

    var rulesDirectory: String { location.directory }

    func openStore() throws -> ProfileStore {
        try ProfileStore(path: databasePath, schemas: location.schemas())
    }

    /// For commands that only read: a missing file is an error, not a new empty database.
    func openExistingStore() throws -> ProfileStore {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw StoreError("数据库 \(databasePath) 不存在：先用 mianshen import 导入数据，或用 --db 指定数据库。")
        }
        return try openStore()
    }
}

/// `--format table|csv|json` for commands that print records. `json` is JSON Lines; CSV is
/// UTF-8 without BOM; `table` is for people, in Chinese.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case csv
    case json
}

/// `--unmask` for commands that show personal data.
struct MaskingOptions: ParsableArguments {
    @Flag(name: .long, help: "显示身份证号、姓名、电话原文（默认脱敏，如 4101**********1234、张*、138****5678）。")
    var unmask = false

    @OptionGroup var audit: AuditOptions

    func validate() throws {
        if unmask, (audit.purpose ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--unmask 显示个人信息原文，须用 --purpose 说明目的（记入审计日志），例如 --purpose \"核实申诉材料\"。")
        }
    }

    /// Records the use in the audit log, noting whether it was unmasked.
    func record(_ store: ProfileStore, command: String, scope: AuditScope) throws {
        try audit.record(store, command: command, scope: scope, unmasked: unmask)
    }

    /// For commands whose output is masked by default: only an unmasked use is recorded.
    func recordIfUnmasked(_ store: ProfileStore, command: String, scope: AuditScope) throws {
        if unmask { try record(store, command: command, scope: scope) }
    }

    func show(_ value: String, as kind: Datasets.PersonalData?) -> String {
        unmask ? value : Masking.mask(value, as: kind)
    }
}

extension DatasetKind: ExpressibleByArgument {}
extension TextEncoding: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}
