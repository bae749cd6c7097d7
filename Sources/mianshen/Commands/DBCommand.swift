import ArgumentParser
import Datasets
import Foundation
import Store

struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "数据库维护。",
        subcommands: [Info.self],
        defaultSubcommand: Info.self
    )

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示数据库版本、各类档案数量和最近的导入。")

        @Option(name: .long, help: "输出格式：table 或 json。")
        var format: OutputFormat = .table

        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let info = try store.openStore().info()
                let exposed = StoreFiles.exposed(store.databasePath)
                for file in exposed {
                    printError("警告：\(file.path) 的权限为 \(Self.permissions(file.mode))，本机其他用户可以读取其中的个人信息；请执行 chmod 600 \(file.path)。")
                }
                if format == .json {
                    var object: [String: Any] = [
                        "path": info.path, "migrations": info.migrations, "households": info.households,
                        "quarantine_rows": info.quarantineRows, "warning_rows": info.warningRows,
                        "change_rows": info.changeRows,
                        "exposed_files": exposed.map { ["path": $0.path, "mode": String($0.mode, radix: 8)] },
                    ]
                    for count in info.counts {
                        object[count.kind.rawValue] = ["active": count.active, "inactive": count.inactive]
                    }
                    object["imports"] = info.recentImports.map {
                        ["id": $0.id, "kind": $0.kind, "path": $0.path, "status": $0.status.rawValue,
                         "rows_read": $0.counts.rowsRead, "quarantined": $0.counts.quarantined,
                         "warnings": $0.counts.warnings] as [String: Any]
                    }
                    object["column_cache"] = info.columnCache.map {
                        ["kind": $0.kind.rawValue, "columns": $0.columns, "bytes": $0.bytes, "current": $0.current,
                         "pending_changes": $0.pending] as [String: Any]
                    }
                    print(JSONOutput.line(object))
                    return
                }
                var out = "数据库：\(info.path)\n数据库版本（已执行的迁移）：\(info.migrations.joined(separator: ", "))\n\n"
                var counts = TextTable(["种类", "有效", "已注销/迁出"])
                for count in info.counts {
                    counts.add([count.kind.label, String(count.active), String(count.inactive)])
                }
                counts.add(["家庭户（由居民户号派生）", String(info.households), ""])
                out += counts.render()
                out += "\n隔离区 \(info.quarantineRows) 行，数据质量警告 \(info.warningRows) 条（已导入，quarantine list --warnings），"
                out += "变更历史 \(info.changeRows) 条\n"
                if !info.columnCache.isEmpty {
                    let parts = info.columnCache.map { entry in
                        let size = String(format: "%.1f MB", Double(entry.bytes) / 1_048_576)
                        let state = !entry.current ? "（已过期，下次评估时重建）"
                            : entry.pending > 0 ? "（导入后改过的 \(entry.pending) 个对象下次评估时并入）" : ""
                        return "\(entry.kind.label) \(entry.columns) 项 \(size)\(state)"
                    }
                    out += "列缓存（run、rules try 读取的数据列，首次评估后生成）：" + parts.joined(separator: "，") + "\n"
                }
                out += "\n最近的导入\n"
                if info.recentImports.isEmpty {
                    out += "（尚无导入）"
                } else {
                    var imports = TextTable(["编号", "种类", "文件", "状态", "读取", "新增", "更新", "未变", "隔离", "警告", "开始时间"])
                    for r in info.recentImports {
                        let status = ["ok": "成功", "rejected": "已拒绝", "running": "未完成"][r.status.rawValue] ?? r.status.rawValue
                        imports.add([
                            "#\(r.id)", r.kind, r.path, status, String(r.counts.rowsRead), String(r.counts.inserted),
                            String(r.counts.updated), String(r.counts.unchanged), String(r.counts.quarantined),
                            String(r.counts.warnings), r.startedAt,
                        ])
                    }
                    out += imports.render()
                }
                print(out)
            }
        }

        /// `-rw-r--r--` for 0o644.
        static func permissions(_ mode: Int) -> String {
            "-" + [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1].enumerated().map { i, bit in
                mode & bit == 0 ? "-" : ["r", "w", "x"][i % 3]
            }.joined()
        }
    }
}
