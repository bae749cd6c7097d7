public import Foundation

/// The push's view of time: a fixed `now` (from `--now` in tests), the local time zone for
/// quiet hours, and one text form for stored times (UTC, `yyyy-MM-ddTHH:mm:ssZ`, sortable).
public struct PushClock: Sendable {
    public var now: Date
    public var settings: PushSettings
    /// The night the caller already decided (the nightly's own), instead of one worked out from `now`.
    public var decidedNight: String?

    public init(now: Date, settings: PushSettings, night: String? = nil) {
        self.now = now
        self.settings = settings
        decidedNight = night
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: settings.timeZone) ?? .gmt
        return calendar
    }

    /// Whether `date` falls in the quiet hours (local time; a range like 21:00–08:00 wraps midnight).
    public func isQuiet(_ date: Date? = nil) -> Bool {
        let parts = calendar.dateComponents([.hour, .minute], from: date ?? now)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let (from, to) = (settings.quietFrom, settings.quietTo)
        if from == to { return false }
        return from < to ? (from <= minute && minute < to) : (minute >= from || minute < to)
    }

    /// The night a queue belongs to: the nightly's own night when it queues, else (`push queue`
    /// by hand) the local date 12 hours before `now`, so that 23:00 and 02:00 are one night.
    public var night: String {
        if let decidedNight { return decidedNight }
        let parts = calendar.dateComponents([.year, .month, .day], from: now.addingTimeInterval(-12 * 3600))
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    public static func text(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle()
        style.timeZone = .gmt
        return date.formatted(style)
    }

    public var nowText: String { Self.text(now) }

    /// `--now`: ISO 8601 with a zone (2026-12-01T23:30:00+08:00 or …Z).
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }
}
