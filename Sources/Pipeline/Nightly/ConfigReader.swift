internal import Datasets
internal import Diagnostics
internal import Foundation
internal import Ingest
internal import TOMLKit

/// Reads `NightlyConfig` out of a parsed TOML table, naming the key of every bad value.
struct ConfigReader {
    let file: String
    let table: TOMLTable

    var baseDirectory: String { (file as NSString).deletingLastPathComponent }

    func config() throws -> NightlyConfig {
        try checkKeys(table, allowed: NightlyConfig.topKeys, prefix: "")
        let zoneName = try string(table, "time_zone", prefix: "") ?? "Asia/Shanghai"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw error("time_zone", "时区 \"\(zoneName)\" 不认识，应为 IANA 时区名，例如 Asia/Shanghai")
        }
        let outputs = try subtable(table, "outputs")
        if let outputs { try checkKeys(outputs, allowed: NightlyConfig.outputKeys, prefix: "outputs.") }
        guard let outputDirectory = try outputs.flatMap({ try string($0, "dir", prefix: "outputs.") }) else {
            throw error("outputs.dir", "缺少输出目录，例如 [outputs] 下写 dir = \"nightly-out\"")
        }
        for name in ["push", "gateway"] where table[name] != nil && table[name]?.table == nil {
            throw error(name, "应为一个表（[\(name)]）")
        }
        return NightlyConfig(
            path: file, database: try string(table, "db", prefix: "").map(resolve), timeZone: zone,
            asOf: try asOf(), rulesDirectory: resolve(try string(table, "rules", prefix: "") ?? "Rules"),
            inputs: try inputs(), outputDirectory: resolve(outputDirectory), table: table
        )
    }

    func asOf() throws -> NightlyConfig.AsOfRule {
        guard let text = try string(table, "as_of", prefix: "") else { return .today }
        switch text {
        case "today": return .today
        case "tomorrow": return .tomorrow
        default:
            guard let day = Day.parse(text) else {
                throw error("as_of", "值 \"\(text)\" 不对：应为 today（当晚的日期）、tomorrow（次日）或 YYYY-MM-DD 日期")
            }
            return .day(day)
        }
    }

    func inputs() throws -> [ImportRequest] {
        guard let value = table["inputs"] else { return [] }
        guard let array = value.array else { throw error("inputs", "应为表的数组（每个文件一段 [[inputs]]）") }
        return try array.enumerated().map { index, element in
            let prefix = "inputs[\(index + 1)]."
            guard let entry = element.table else { throw error("inputs[\(index + 1)]", "应为一个表（[[inputs]]）") }
            try checkKeys(entry, allowed: NightlyConfig.inputKeys, prefix: prefix)
            guard let file = try string(entry, "file", prefix: prefix) else { throw error(prefix + "file", "缺少要导入的文件") }
            guard let kindText = try string(entry, "kind", prefix: prefix) else {
                throw error(prefix + "kind", "缺少数据种类：residents、enterprises 或 licences")
            }
            let kind = try choice(kindText, DatasetKind.allCases, key: prefix + "kind")
            let format = try string(entry, "format", prefix: prefix).map { try choice($0, InputFormat.allCases, key: prefix + "format") }
            let encoding = try string(entry, "encoding", prefix: prefix).map { try choice($0, TextEncoding.allCases, key: prefix + "encoding") }
            var full = false
            if let flag = entry["full"] {
                guard let bool = flag.bool else { throw error(prefix + "full", "应为 true 或 false（是否完整名单）") }
                full = bool
            }
            var rate = 0.05
            if let value = entry["max_bad_rate"] {
                guard let number = value.double ?? value.int.map(Double.init), (0...1).contains(number) else {
                    throw error(prefix + "max_bad_rate", "应为 0 到 1 之间的数，例如 0.05 表示 5%")
                }
                rate = number
            }
            return ImportRequest(
                kind: kind, path: resolve(file), maxBadRate: rate, mapPath: try string(entry, "map", prefix: prefix).map(resolve),
                format: format, encoding: encoding, full: full
            )
        }
    }

    func checkKeys(_ table: TOMLTable, allowed: Set<String>, prefix: String) throws {
        if let unknown = table.keys.sorted().first(where: { !allowed.contains($0) }) {
            let hint = Suggest.closest(to: unknown, among: allowed.sorted()).map { "；是否应为 \(prefix)\($0)？" } ?? ""
            throw error(prefix + unknown, "不认识的键（可用的键：\(allowed.sorted().map { prefix + $0 }.joined(separator: "、"))）\(hint)")
        }
    }

    func string(_ table: TOMLTable, _ key: String, prefix: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string, !text.isEmpty else { throw error(prefix + key, "应为非空的字符串（加引号）") }
        return text
    }

    func subtable(_ table: TOMLTable, _ key: String) throws -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw error(key, "应为一个表（[\(key)]）") }
        return sub
    }

    func choice<T: RawRepresentable>(_ text: String, _ cases: [T], key: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw error(key, "值 \"\(text)\" 不对：应为 \(cases.map(\.rawValue).joined(separator: "、")) 之一")
        }
        return value
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") || baseDirectory.isEmpty ? path : baseDirectory + "/" + path
    }

    func error(_ key: String, _ reason: String) -> NightlyConfigError {
        NightlyConfigError(file: file, key: key, reason)
    }
}
