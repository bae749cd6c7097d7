import Datasets
import Foundation
import Logging

/// The nightly's structured log on standard error: a readable line per event (`text`), or one
/// JSON object per line (`json`: time, level, step, message, metadata). ID numbers and mobile
/// numbers in messages and metadata are masked whatever the caller passed.
struct NightlyLogHandler: LogHandler {
    enum Format: String, CaseIterable, Sendable {
        case text, json
    }

    let format: Format
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(format: Format, level: Logger.Level) {
        self.format = format
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        event.metadata?.forEach { all[$0.key] = $0.value }
        let step = all.removeValue(forKey: "step").map { "\($0)" } ?? "nightly"
        let values = all.mapValues { Self.mask("\($0)") }
        let message = Self.mask(event.message.description)
        let time = Self.timestamp()
        let line: String
        switch format {
        case .json:
            line = JSONOutput.line([
                "time": time, "level": event.level.rawValue, "step": step, "message": message, "metadata": values,
            ])
        case .text:
            let extra = values.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            line = "\(time) \(Self.label(event.level)) [\(step)] \(message)\(extra)"
        }
        writeStandardError(Data((line + "\n").utf8))
    }

    static func label(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "调试"
        case .info, .notice: "信息"
        case .warning: "警告"
        case .error, .critical: "错误"
        }
    }

    static func timestamp() -> String {
        var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        style.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return Date().formatted(style)
    }

    // 18-character ID numbers (17 digits + digit or X) and 11-digit mobile numbers, not inside longer digit runs.
    private static let idPattern = try? NSRegularExpression(pattern: "(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
    private static let phonePattern = try? NSRegularExpression(pattern: "(?<![0-9])1[3-9][0-9]{9}(?![0-9])")

    static func mask(_ text: String) -> String {
        var out = text
        for (pattern, masker) in [(idPattern, Masking.maskID), (phonePattern, Masking.maskPhone)] {
            guard let pattern else { continue }
            let matches = pattern.matches(in: out, range: NSRange(out.startIndex..., in: out)).reversed()
            for match in matches {
                guard let range = Range(match.range, in: out) else { continue }
                out.replaceSubrange(range, with: masker(String(out[range])))
            }
        }
        return out
    }
}
