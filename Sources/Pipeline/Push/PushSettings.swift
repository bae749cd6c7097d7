public import Diagnostics
internal import Foundation
public import TOMLKit

/// The `[push]` and `[gateway]` tables of the nightly's TOML file. Parsed from a table the
/// nightly's loader hands over, or from a file; absent tables and keys take the defaults;
/// unknown keys and bad values are errors naming the file and the key.
public struct PushSettings: Sendable, Equatable {
    /// Quiet hours in local minutes since midnight: from `quietFrom` until `quietTo` (wrapping midnight).
    public var quietFrom = 21 * 60
    public var quietTo = 8 * 60
    /// `21:00–08:00`, for people.
    public var quietHoursText: String {
        func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
        return clock(quietFrom) + "–" + clock(quietTo)
    }
    public var timeZone = "Asia/Shanghai"
    /// The channels to queue, in order of preference: one digest per payee and channel with a contact.
    public var channels = ["sms"]
    public var ratePerHour: [String: Int] = ["sms": 2000, "app": 10000, "email": 2000]
    /// Whether a payee whose consent_push is empty is messaged (`send`) or held back (`hold`).
    public var unknownConsent = "send"
    /// A queued message older than this many hours is expired instead of sent.
    public var expireHours = 72
    public var gatewayURL = "http://127.0.0.1:8088/messages"
    /// The name of the environment variable holding the HMAC secret (never the secret itself).
    public var secretEnv = "MIANSHEN_GATEWAY_SECRET"
    public var timeoutSeconds = 10.0
    public var maxAttempts = 6
    public var backoffSeconds = 1.0

    public static let knownChannels = ["sms", "app", "email"]

    public init() {}

    /// From a TOML file shared with the nightly (absent file: an error; absent tables: defaults;
    /// tables other than [push] and [gateway] are left alone).
    public init(file: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw PushError.config("无法读取配置文件 \(file)：\(error.localizedDescription)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PushError.config("\(file):\(error.source.begin.line): TOML 格式错误：\(error.description)")
        }
        // The file is the nightly's too (cron's morning `push dispatch --config mianshen.toml`):
        // its other tables are the nightly's to check.
        try self.init(table: table, file: file)
    }

    /// From the whole configuration table: reads `[push]` and `[gateway]`; other tables belong to
    /// the nightly and are left alone unless `ignoringOthers` is false (a push-only file).
    public init(table: TOMLTable, file: String, ignoringOthers: Bool = true) throws {
        if !ignoringOthers {
            for key in table.keys where key != "push" && key != "gateway" {
                throw PushError.config("\(file): 未知的配置项 \(key)（推送配置只有 [push] 和 [gateway]）")
            }
        }
        if let push = table["push"] {
            guard let push = push.table else { throw PushError.config("\(file): push 应为表 [push]") }
            try readPush(push, file: file)
        }
        if let gateway = table["gateway"] {
            guard let gateway = gateway.table else { throw PushError.config("\(file): gateway 应为表 [gateway]") }
            try readGateway(gateway, file: file)
        }
    }

    private mutating func readPush(_ table: TOMLTable, file: String) throws {
        for key in table.keys {
            let name = "push.\(key)"
            guard let value = table[key] else { continue }
            switch key {
            case "quiet_hours":
                guard let text = value.string, let range = Self.quietRange(text) else {
                    throw PushError.config("\(file): \(name) 应为 \"HH:MM-HH:MM\"（如 \"21:00-08:00\"）")
                }
                (quietFrom, quietTo) = range
            case "time_zone":
                guard let text = value.string, TimeZone(identifier: text) != nil else { throw PushError.config("\(file): \(name) 不是有效的时区名（如 Asia/Shanghai）") }
                timeZone = text
            case "channels":
                guard let array = value.array else { throw PushError.config("\(file): \(name) 应为渠道列表（如 [\"sms\", \"app\"]）") }
                var out: [String] = []
                for element in array {
                    guard let text = element.string, Self.knownChannels.contains(text) else {
                        throw PushError.config("\(file): \(name) 含未知渠道（可用：\(Self.knownChannels.joined(separator: "、"))）")
                    }
                    if !out.contains(text) { out.append(text) }
                }
                channels = out
            case "rate_limit_per_hour":
                guard let limits = value.table else { throw PushError.config("\(file): \(name) 应为表 [push.rate_limit_per_hour]") }
                for channel in limits.keys {
                    guard Self.knownChannels.contains(channel) else { throw PushError.config("\(file): \(name).\(channel) 是未知渠道") }
                    guard let limit = limits[channel]?.int, limit > 0 else { throw PushError.config("\(file): \(name).\(channel) 应为正整数") }
                    ratePerHour[channel] = limit
                }
            case "unknown_consent":
                guard let text = value.string, ["send", "hold"].contains(text) else { throw PushError.config("\(file): \(name) 应为 \"send\" 或 \"hold\"") }
                unknownConsent = text
            case "expire_hours":
                expireHours = try Self.positive(value.int, name, file)
            default:
                throw PushError.config("\(file): 未知的配置项 \(name)")
            }
        }
    }

    private mutating func readGateway(_ table: TOMLTable, file: String) throws {
        for key in table.keys {
            let name = "gateway.\(key)"
            guard let value = table[key] else { continue }
            switch key {
            case "url":
                guard let text = value.string, let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                    throw PushError.config("\(file): \(name) 应为 http(s) 地址")
                }
                gatewayURL = text
            case "secret_env":
                guard let text = value.string, !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw PushError.config("\(file): \(name) 应为环境变量名（密钥本身不得写入配置文件）")
                }
                secretEnv = text
            case "timeout_seconds":
                timeoutSeconds = try Self.seconds(value, name, file)
            case "max_attempts":
                maxAttempts = try Self.positive(value.int, name, file)
            case "backoff_seconds":
                backoffSeconds = try Self.seconds(value, name, file)
            default:
                throw PushError.config("\(file): 未知的配置项 \(name)")
            }
        }
    }

    private static func positive(_ value: Int?, _ name: String, _ file: String) throws -> Int {
        guard let value, value > 0 else { throw PushError.config("\(file): \(name) 应为正整数") }
        return value
    }

    private static func seconds(_ value: any TOMLValueConvertible, _ name: String, _ file: String) throws -> Double {
        guard let seconds = value.double ?? value.int.map(Double.init), seconds >= 0 else { throw PushError.config("\(file): \(name) 应为非负秒数") }
        return seconds
    }

    /// `21:00-08:00` → (1260, 480).
    static func quietRange(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let from = minutes(parts[0]), let to = minutes(parts[1]) else { return nil }
        return (from, to)
    }

    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }
}

/// A push error for the officer: a full sentence naming what to fix (exit 1 unless another category is given).
public struct PushError: CategorizedError, CustomStringConvertible, Sendable {
    public var description: String
    public var category: ErrorCategory

    public init(_ description: String, category: ErrorCategory = .inputRejected) {
        self.description = description
        self.category = category
    }

    /// A push or gateway setting that is missing, unknown or wrong: exit 64, as the nightly's.
    static func config(_ description: String) -> PushError { PushError(description, category: .usage) }
}
