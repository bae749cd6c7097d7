import ArgumentParser
import Datasets
import Ingest
import Logging
import Pipeline
import Store

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "导入一个数据文件（CSV、JSON Lines、XML；UTF-8 或 GB18030）：逐行校验，坏行隔离并说明原因。",
        discussion: """
            格式按扩展名（.csv、.jsonl、.xml）判断，可用 --input-format 指定；编码自动识别
            （BOM → 有效的 UTF-8 → GB18030；XML 按其声明），可用 --encoding 指定。
            同一内容的文件（SHA-256 相同）再次导入不做任何更改；内容有变化的行更新档案并记录变更历史。
            结构错误的行进隔离区；结构正确、只是不在人工维护的名单中的值（二七区街道代码、行业大类、证照类型）
            照常导入并记为数据质量警告（quarantine list --warnings），不计入坏行比例。
            一次导入是一个事务：坏行比例超过 --max-bad-rate 时整批拒绝（退出码 1），
            不写入任何数据行，但导入记录和隔离区保留，可用 quarantine list 查看原因。
            XML 文档中途不合法时整个文件拒绝（退出码 65），错误位置记入导入记录和隔离区。
            --full 表示该文件是该类数据的完整名单：名单中没有的对象标记为注销/迁出/死亡（不删除），
            评估时不再考虑；不加 --full 时为增量更新。
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

    @Option(name: .long, help: "文件编码：utf-8 或 gb18030（默认自动识别）。")
    var encoding: TextEncoding?

    @Option(name: .long, help: "文件格式：csv、jsonl 或 xml（默认按扩展名）。")
    var inputFormat: InputFormat?

    @Flag(name: .long, help: "该文件是完整名单：其中没有的对象标记为注销/迁出（不删除）。")
    var full = false

    @Option(name: .long, help: "输出格式：table（中文摘要）或 json。")
    var format: SummaryFormat = .table

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions

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
            let profiles = try store.openStore()
            var importer = Importer(store: profiles, logger: Logger(label: "mianshen.import"))
            importer.engineFields = Importer.engineFields(rulesDirectory: store.rulesDirectory, schemas: profiles.schemas)
            let summary = try importer.run(
                ImportRequest(
                    kind: kind, path: file, maxBadRate: maxBadRate, mapPath: map, format: inputFormat,
                    encoding: encoding, full: full
                ),
                progress: TerminalProgress.importReporter()
            )
            TerminalProgress.finish()
            let c = summary.record.counts
            let outcome = summary.isNoOp ? "内容未变，跳过" : summary.rejected ? "已拒绝" : "新增 \(c.inserted)，更新 \(c.updated)"
            try audit.record(profiles, command: "import \(kind.rawValue)", scope: AuditScope(
                "导入 #\(summary.record.id) \(file)：读取 \(c.rowsRead) 行，\(outcome)"
            ))
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
            "导入\(s.kind.label)数据 \(s.path)（导入编号 #\(r.id)，\(r.format)，\(r.encoding)\(r.full ? "，完整名单" : "")）",
            "  读取 \(c.rowsRead) 行：新增 \(c.inserted)，更新 \(c.updated)，未变 \(c.unchanged)，隔离 \(c.quarantined)（\(Importer.percent(s.badRate))）",
        ]
        if r.full, !s.rejected {
            lines.append("  完整名单：\(c.deactivated) 个不在名单中的\(s.kind.label)已标记为\(s.schemaInactiveLabel)")
        }
        if !s.ignoredColumns.isEmpty {
            lines.append("  忽略未识别的列：\(s.ignoredColumns.joined(separator: "、"))（可用 --map 指定映射）")
        }
        if !s.reasons.isEmpty {
            let top = s.reasons.prefix(5).map { "\($0.reason.rawValue)（\($0.reason.label)）\($0.count) 行" }
            lines.append("  隔离原因：\(top.joined(separator: "，"))")
        }
        if c.warnings > 0 {
            let all = s.warningReasons.map { "\($0.reason.rawValue)（\($0.reason.label)）\($0.count) 条" }
            let note = s.rejected ? "本次导入已拒绝，这些行也未导入" : "照常导入，不计入坏行比例"
            lines.append("  数据质量警告 \(c.warnings) 条（\(note)）：\(all.joined(separator: "，"))")
        }
        if s.rowsWithUnknownDivision > 0, !s.rejected {
            lines.append(
                "  注意：\(s.rowsWithUnknownDivision) 行的区划代码不在人工维护的名单中（二七区街道或郑州区县，名单待核，见 Rules/schemas/divisions.yaml），"
                    + "已导入，二七区的显示为“未知街道（代码）”；查看：mianshen quarantine list --warnings"
            )
            let codes = s.unknownDivisionCodes.map { "\($0.code)（\($0.rows) 行）" }.joined(separator: "、")
            lines.append("  名单外最多的区划代码：\(codes)")
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
            "unchanged": r.counts.unchanged, "quarantined": r.counts.quarantined, "deactivated": r.counts.deactivated,
            "warnings": r.counts.warnings,
            "warning_reasons": Dictionary(uniqueKeysWithValues: s.warningReasons.map { ($0.reason.rawValue, $0.count) }),
            "rows_with_unknown_division": s.rowsWithUnknownDivision,
            "unknown_division_codes": Dictionary(uniqueKeysWithValues: s.unknownDivisionCodes.map { ($0.code, $0.rows) }),
            "format": r.format, "encoding": r.encoding, "full": r.full,
            "reasons": Dictionary(uniqueKeysWithValues: s.reasons.map { ($0.reason.rawValue, $0.count) }),
            "ignored_columns": s.ignoredColumns, "message": r.message ?? "",
        ])
    }
}
