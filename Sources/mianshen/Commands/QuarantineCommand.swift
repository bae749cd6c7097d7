import ArgumentParser
import Datasets
import Pipeline
import Store

struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "隔离区：未导入的坏行及其原因。",
        subcommands: [List.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出隔离的行（默认：每个文件最近一次导入的坏行），按文件、行号排序。",
            discussion: """
                CSV 表头固定为 file,line,field,reason_code,value,message；原因代码见 README.md。
                --warnings 改为列出数据质量警告（已导入的行，值不在人工维护的名单中，如 unknown_division），列相同。
                """
        )

        @Option(name: .customLong("import"), help: ArgumentHelp("只列出这次导入的坏行。", valueName: "ID"))
        var importID: Int64?

        @Flag(name: .long, help: "列出所有导入的坏行。")
        var all = false

        @Flag(name: .long, help: "列出数据质量警告（已导入、值不在人工维护名单中的行），而不是坏行。")
        var warnings = false

        @Option(name: .long, help: "输出格式：table、csv 或 json（JSON Lines）。")
        var format: OutputFormat = .table

        @OptionGroup var masking: MaskingOptions
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if all, importID != nil {
                throw ValidationError("--all 与 --import 只能选一个：--all 列出全部，--import 只列出一次导入。")
            }
        }

        func run() throws {
            try reportingErrors {
                let profiles = try store.openStore()
                let scope: QuarantineScope = all ? .all : importID.map { .importID($0) } ?? .latestPerFile
                try masking.recordIfUnmasked(profiles, command: "quarantine list --unmask", scope: AuditScope(
                    "\(warnings ? "数据质量警告" : "隔离区")的原值（\(importID.map { "导入 #\($0)" } ?? (all ? "全部导入" : "各文件最近一次导入"))）"
                ))
                if let importID, try !profiles.importExists(importID) {
                    throw ValidationError("没有编号为 \(importID) 的导入记录；用 mianshen db info 查看最近的导入。")
                }
                let text = warnings
                    ? render(try profiles.warnings(scope), schemas: profiles.schemas)
                    : render(try profiles.quarantine(scope), schemas: profiles.schemas)
                if !text.isEmpty { print(text) }
            }
        }

        /// The listing in the chosen format: the same columns for bad rows and for warnings.
        func render<Reason>(_ records: [StoredRowIssue<Reason>], schemas: SchemaSet) -> String {
            let rows = records.map { record -> [String] in
                let e = record.entry
                let field = record.kind.flatMap { schemas[$0].fields.first { $0.name == e.field } }
                return [e.file, String(e.line), e.field, e.reason.rawValue, masking.show(e.value, as: field?.masking), e.message]
            }
            var out: [String] = []
            switch format {
            case .csv:
                out.append(CSVOutput.line(["file", "line", "field", "reason_code", "value", "message"]))
                out += rows.map(CSVOutput.line)
            case .json:
                for (row, record) in zip(rows, records) {
                    out.append(JSONOutput.line([
                        "import_id": record.importID, "file": row[0], "line": record.entry.line, "field": row[2],
                        "reason_code": row[3], "value": row[4], "message": row[5],
                    ]))
                }
            case .table:
                guard !rows.isEmpty else { return warnings ? "没有数据质量警告。" : "隔离区为空。" }
                var table = TextTable(["文件", "行", "字段", warnings ? "警告" : "原因", "值", "说明"])
                for (row, record) in zip(rows, records) {
                    table.add([row[0], row[1], row[2], "\(row[3])（\(record.entry.reason.label)）", row[4], row[5]])
                }
                out.append(table.render())
                out.append(warnings ? "共 \(rows.count) 条警告（这些行已导入）。" : "共 \(rows.count) 行。")
            }
            return out.joined(separator: "\n")
        }
    }
}
