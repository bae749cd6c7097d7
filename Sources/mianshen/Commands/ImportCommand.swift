import ArgumentParser
import Datasets
import Logging
import Pipeline
import Store

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入一个数据文件（CSV，UTF-8，可带 BOM）：逐行校验，坏行隔离并说明原因。",
        discussion: """
            同一内容的文件（SHA-256 相同）再次导入不做任何更改；内容有变化的行更新档案并记录变更历史。
            一次导入是一个事务：坏行比例超过 --max-bad-rate 时整批拒绝（退出码 1），
            不写入任何数据行，但导入记录和隔离区保留，可用 quarantine list 查看原因。
            """
    )

    @Argument(help: "数据种类：residents（居民）、enterprises（企业）、licences（电子证照）。")
    var kind: DatasetKind

    @Argument(help: ArgumentHelp("要导入的文件。", valueName: "FILE"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("坏行比例上限，超过则整批拒绝（0–1，默认 0.05）。", valueName: "R"))
    var maxBadRate = 0.05

    @Option(name: .long, help: ArgumentHelp("列名映射文件：每行“源列名: 字段名”，用于非标准表头。", valueName: "FILE"))
    var map: String?

    @Option(name: .long, help: "输出格式：table（中文摘要）或 json。")
    var format: SummaryFormat = .table

    @OptionGroup var store: StoreOptions

    enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    func validate() throws {
        guard (0...1).contains(maxBadRate) else {
            throw ValidationError("--max-bad-rate 应在 0 到 1 之间，例如 0.05 表示 5%。")
        }
    }

    func run() throws {
        try reportingErrors {
            let importer = Importer(store: try store.openStore(), logger: Logger(label: "mianshen.import"))
            let summary = try importer.run(
                ImportRequest(kind: kind, path: file, maxBadRate: maxBadRate, mapPath: map),
                progress: TerminalProgress.importReporter()
            )
            TerminalProgress.finish()
            switch format {
            case .table: print(ImportSummaryText.render(summary))
            case .json: print(ImportSummaryText.json(summary))
            }
            if summary.rejected { throw ExitCode(1) }
        }
    }
}

/// How an import summary reads for people and for machines.
enum ImportSummaryText {
    static func render(_ s: ImportSummary) -> String {
        let r = s.record
        if s.isNoOp {
            return "\(s.path)：内容与导入 #\(r.id)（\(r.startedAt)）完全相同（SHA-256 一致），已跳过，未做任何更改。"
        }
        let c = r.counts
        var lines = [
            "导入\(s.kind.label)数据 \(s.path)（导入编号 #\(r.id)）",
            "  读取 \(c.rowsRead) 行：新增 \(c.inserted)，更新 \(c.updated)，未变 \(c.unchanged)，隔离 \(c.quarantined)（\(Importer.percent(s.badRate))）",
        ]
        if !s.ignoredColumns.isEmpty {
            lines.append("  忽略未识别的列：\(s.ignoredColumns.joined(separator: "、"))（可用 --map 指定映射）")
        }
        if !s.reasons.isEmpty {
            let top = s.reasons.prefix(5).map { "\($0.reason.rawValue)（\($0.reason.label)）\($0.count) 行" }
            lines.append("  隔离原因：\(top.joined(separator: "，"))")
        }
        if s.rejected {
            lines.append("  状态：已拒绝。\(r.message ?? "")")
            lines.append("  查看原因：mianshen quarantine list --import \(r.id)")
        } else {
            lines.append("  状态：成功" + (c.quarantined > 0 ? "（坏行已隔离，查看：mianshen quarantine list）" : ""))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ s: ImportSummary) -> String {
        let r = s.record
        return JSONOutput.line([
            "import_id": r.id, "kind": s.kind.rawValue, "file": s.path, "sha256": r.sha256,
            "status": s.isNoOp ? "unchanged_file" : r.status.rawValue, "no_op": s.isNoOp,
            "rows_read": r.counts.rowsRead, "inserted": r.counts.inserted, "updated": r.counts.updated,
            "unchanged": r.counts.unchanged, "quarantined": r.counts.quarantined,
            "reasons": Dictionary(uniqueKeysWithValues: s.reasons.map { ($0.reason.rawValue, $0.count) }),
            "ignored_columns": s.ignoredColumns, "message": r.message ?? "",
        ])
    }
}
