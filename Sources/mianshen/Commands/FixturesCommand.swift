import ArgumentParser
import Datasets
import Foundation
import Generator

struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "测试数据：生成二七区的模拟居民、企业和电子证照数据。",
        subcommands: [Generate.self],
        defaultSubcommand: Generate.self
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "生成模拟数据文件，可按比例混入坏行，并写出坏行清单 bad_rows.csv。",
            discussion: """
                写出 residents、enterprises、licences 三个数据文件（扩展名随 --format）和 bad_rows.csv
                （表头 file,line,field,reason_code，按文件名、行号排序，只列出故意写坏的记录）。
                同一种子和参数生成的文件逐字节相同；坏行在各种格式、编码下位于同一批记录。
                行号约定：CSV 第 1 行为表头，第 i 条记录（从 0 起）在第 i+2 行；JSON Lines 在第 i+1 行；
                XML 第 1 行为声明、第 2 行为根元素，第 i 条记录在第 i+3 行。
                """
        )

        @Option(name: .long, help: ArgumentHelp("居民人数。", valueName: "N"))
        var residents: Int

        @Option(name: .long, help: ArgumentHelp("企业户数（含个体工商户）。", valueName: "M"))
        var enterprises: Int

        @Option(name: .long, help: ArgumentHelp("输出目录（不存在则创建）。", valueName: "DIR"))
        var out: String

        @Option(name: .long, help: ArgumentHelp("随机种子（默认 1）。", valueName: "S"))
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("每个文件中故意写坏的记录比例（0–1，默认 0）。", valueName: "R"))
        var badRate = 0.0

        @Option(name: .long, help: ArgumentHelp(
            "二七区记录中街道代码换成名单外代码（结构正确、divisions.yaml 未列出）的比例（0–1，默认 0）；导入时应为警告而非坏行。",
            valueName: "R"
        ))
        var unlistedStreetRate = 0.0

        @Option(name: .long, help: ArgumentHelp(
            "生成同一份居民名单的“第 K 晚”（默认 0 即名单本身）：每过一晚约 1% 的居民年收入变化、0.2% 新增、0.2% 离开（全量名单中没有）；企业和证照不变。",
            valueName: "K"
        ))
        var night = 0

        @Option(name: .long, help: "文件格式：csv、jsonl（JSON Lines）或 xml。")
        var format: FileFormat = .csv

        @Option(name: .long, help: "字符编码：utf-8 或 gb18030。")
        var encoding: FileEncoding = .utf8

        @Option(name: .long, help: ArgumentHelp("统计基准日，年龄、有效期等都相对于它（默认 2026-11-27）。", valueName: "YYYY-MM-DD"))
        var asOf = "2026-11-27"

        @OptionGroup var location: RulesLocation

        enum FileFormat: String, ExpressibleByArgument, CaseIterable {
            case csv
            case jsonl
            case xml

            var fixtureFormat: FixtureFormat {
                switch self {
                case .csv: .csv
                case .jsonl: .jsonl
                case .xml: .xml
                }
            }
        }

        enum FileEncoding: String, ExpressibleByArgument, CaseIterable {
            case utf8 = "utf-8"
            case gb18030

            var fixtureEncoding: FixtureEncoding {
                switch self {
                case .utf8: .utf8
                case .gb18030: .gb18030
                }
            }
        }

        func validate() throws {
            guard residents >= 0, enterprises >= 0 else {
                throw ValidationError("--residents 和 --enterprises 不能为负数。")
            }
            guard (0...1).contains(badRate) else {
                throw ValidationError("--bad-rate 应在 0 到 1 之间，例如 0.02 表示 2%。")
            }
            guard (0...1).contains(unlistedStreetRate) else {
                throw ValidationError("--unlisted-street-rate 应在 0 到 1 之间，例如 0.15 表示 15%。")
            }
            guard night >= 0 else {
                throw ValidationError("--night 不能为负数，例如 1 表示第二天晚上的名单。")
            }
            guard Day.parse(asOf) != nil else {
                throw ValidationError("--as-of 应为真实日期，格式 YYYY-MM-DD，例如 2026-11-27。")
            }
        }

        func run() throws {
            try reportingErrors {
                let schemas = try location.schemas()
                let options = FixtureOptions(
                    residents: residents, enterprises: enterprises, outputDirectory: out, seed: seed, badRate: badRate,
                    format: format.fixtureFormat, encoding: encoding.fixtureEncoding,
                    asOf: Day.parse(asOf) ?? FixtureOptions.defaultAsOf, unlistedStreetRate: unlistedStreetRate,
                    night: night
                )
                let clock = ContinuousClock()
                let started = clock.now
                let report = try FixtureGenerator(schemas: schemas, options: options).run()
                print(FixtureReportText.render(report, elapsed: clock.now - started))
            }
        }
    }
}

/// How a generation reads for people.
enum FixtureReportText {
    static func render(_ report: FixtureReport, elapsed: Duration) -> String {
        let o = report.options
        var out = "已生成模拟数据（种子 \(o.seed)，坏行比例 \(percent(o.badRate))，格式 \(o.format.rawValue)，"
            + "编码 \(o.encoding.rawValue)，基准日 \(o.asOf)"
            + (o.unlistedStreetRate > 0 ? "，名单外街道代码比例 \(percent(o.unlistedStreetRate))" : "")
            + (o.night > 0 ? "，居民名单第 \(o.night) 晚" : "")
            + "）\n输出目录：\(o.outputDirectory)\n\n"

        var files = TextTable(["文件", "内容", "记录数", "坏行", "大小"])
        for file in report.files {
            let bad = report.corrupted.reduce(0) { $0 + ($1.file == file.name ? 1 : 0) }
            files.add([
                file.name, file.kind?.label ?? "坏行清单", String(file.records),
                file.kind == nil ? "" : "\(bad)（\(percent(file.records == 0 ? 0 : Double(bad) / Double(file.records)))）",
                size(file.bytes),
            ])
        }
        out += files.render() + "\n\n"

        let counts = report.corruptionCounts
        if counts.isEmpty {
            out += "坏行：无（--bad-rate 为 0）\n\n"
        } else {
            out += "坏行（按原因）\n"
            var reasons = TextTable(["文件", "原因代码", "说明", "行数"])
            for count in counts {
                reasons.add([count.file, count.reason.rawValue, count.reason.label, String(count.count)])
            }
            out += reasons.render() + "\n\n"
        }

        out += "可选字段的空值比例（空值按规范的含义导入：“未知”或规定的值）\n"
        var missing = TextTable(["种类", "字段", "中文名", "空值含义", "空值行数", "比例"])
        for rate in report.missing {
            missing.add([rate.kind.label, rate.field, rate.label, rate.meaning, String(rate.empty), percent(rate.rate)])
        }
        out += missing.render() + "\n\n"
        out += "用时 \(seconds(elapsed)) 秒"
        return out
    }

    /// 0.0312 → 3.12%.
    static func percent(_ value: Double) -> String {
        let hundredths = Int((value * 10_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    static func seconds(_ duration: Duration) -> String {
        let (s, attoseconds) = duration.components
        let tenths = Int(s) * 10 + Int(attoseconds / 100_000_000_000_000_000)
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return "\(bytes / 1024) KiB" }
        let tenths = bytes * 10 / (1 << 20)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}
