import ArgumentParser
import Datasets
import Foundation
import Pipeline
import SQLBackend
import Store

/// `mianshen export --dir OUT`: the active records as CSV in the tables `rules sql --ddl` declares.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "把数据库中的有效档案导出为 CSV（residents.csv、enterprises.csv、licences.csv）与发放台账（grants_held.csv：政策、期间、对象、净额），供 rules sql 生成的脚本在其他数据库中使用。",
        discussion: """
            列与类型同 mianshen rules sql --ddl（表头为列名；空单元格为 NULL；日期 YYYY-MM-DD；是/否为 true/false）。
            DuckDB：COPY residents FROM 'OUT/residents.csv' (HEADER)；PostgreSQL：\\copy residents FROM 'OUT/residents.csv' CSV HEADER。
            只导出有效记录（不含迁出、死亡、注销）；姓名、电话不导出。文件含身份证号，只有所有者可读写，导出记入审计日志。
            """
    )

    @Option(name: .long, help: ArgumentHelp("输出目录（不存在时创建）。", valueName: "OUT"))
    var dir: String

    @OptionGroup var audit: AuditOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        try reportingErrors {
            let profiles = try store.openExistingStore()
            let columns = [DatasetKind.residents, .enterprises, .licences].map { ($0, TypeMapping.columns(profiles.schemas[$0])) }
            try audit.record(profiles, command: "export", scope: AuditScope("导出有效档案到 \(dir)"))
            let written = try TableExport.write(store: profiles, directory: dir, columns: columns)
            for file in written { print("\(file.table)：\(file.rows) 行 → \(file.path)") }
            if try profiles.latestImport(kind: .licences) == nil {
                printError("注意：本库从未导入证照，licences.csv 为空。mianshen run 与 rules sql 的脚本都把证照条件当作未知（待人工复核）。")
            }
        }
    }
}
