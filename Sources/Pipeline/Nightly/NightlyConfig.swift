public import Datasets
public import Diagnostics
public import Foundation
internal import Ingest
public import TOMLKit

/// `mianshen nightly --config FILE`: what the unattended night imports, evaluates and writes.
/// Relative paths in the file are relative to the file's own directory (cron runs anywhere).
/// The `[push]` and `[gateway]` tables belong to the push module: kept in `table`, not read here.
public struct NightlyConfig {
    /// The configuration file as given.
    public var path: String
    /// `db`: the store (the command's `--db` and MIANSHEN_DB take precedence).
    public var database: String?
    /// `time_zone`: the night's date and "today" are read in it (default Asia/Shanghai).
    public var timeZone: TimeZone
    /// `as_of`: the evaluation day.
    public var asOf: AsOfRule
    /// `rules`: the rules directory (default Rules).
    public var rulesDirectory: String
    /// `[[inputs]]`: the files imported each night, in order.
    public var inputs: [ImportRequest]
    /// `[outputs] dir`: each night writes into DIR/YYYY-MM-DD/.
    public var outputDirectory: String
    /// The whole parsed file, for the tables other modules own (`[push]`, `[gateway]`).
    public let table: TOMLTable

    public enum AsOfRule: Sendable, Equatable {
        case today, tomorrow
        case day(Day)
    }

    /// The push module's tables, handed on unread.
    public var pushTable: TOMLTable? { table["push"]?.table }
    public var gatewayTable: TOMLTable? { table["gateway"]?.table }

    static let topKeys: Set<String> = ["db", "time_zone", "as_of", "rules", "inputs", "outputs", "push", "gateway"]
    static let inputKeys: Set<String> = ["file", "kind", "format", "encoding", "full", "max_bad_rate", "map"]
    static let outputKeys: Set<String> = ["dir"]

    /// Reads and checks the file: an unknown key or a bad value is an error naming the file and the key.
    public static func load(path: String) throws -> NightlyConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw NightlyConfigError(file: path, key: nil, "无法读取（文件不存在或不是 UTF-8 文本）")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw NightlyConfigError(file: path, key: nil, "第 \(error.source.begin.line) 行第 \(error.source.begin.column) 列不是合法的 TOML：\(error.description)")
        }
        return try ConfigReader(file: path, table: table).config()
    }

    /// The evaluation day of the night `night`.
    public func asOfDay(night: Day) -> Day {
        switch asOf {
        case .today: night
        case .tomorrow: Day(daysSinceEpoch: night.daysSinceEpoch + 1)
        case .day(let day): day
        }
    }

    /// The date of `now` in the configured time zone: the night's key.
    public func night(at now: Date) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? Day(daysSinceEpoch: 0)
    }

    /// The night's output folder.
    public func outputs(night: Day) -> String { outputDirectory + "/" + night.description }
}

/// A configuration error: the file, the key (e.g. `inputs[2].kind`) and what is wrong, in Chinese.
public struct NightlyConfigError: CategorizedError, CustomStringConvertible, Sendable {
    public var file: String
    public var key: String?
    public var reason: String
    public var category: ErrorCategory { .usage }

    init(file: String, key: String?, _ reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    public var description: String {
        "配置文件 \(file)" + (key.map { "，键 \($0)" } ?? "") + "：\(reason)"
    }
}
