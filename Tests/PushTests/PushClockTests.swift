import Foundation
import Pipeline
import XCTest

/// Quiet hours, the night and `--now`, on a fixed clock; SMS segments as carriers count them.
final class PushClockTests: XCTestCase {
    private func clock(_ now: String, quiet: String? = nil) throws -> PushClock {
        var settings = PushSettings()
        if let quiet {
            let parts = quiet.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
            settings.quietFrom = parts[0][0] * 60 + parts[0][1]
            settings.quietTo = parts[1][0] * 60 + parts[1][1]
        }
        return PushClock(now: try XCTUnwrap(PushClock.parse(now)), settings: settings)
    }

    func testQuietHoursWrapMidnightInShanghaiTime() throws {
        XCTAssertTrue(try clock("2026-12-01T21:00:00+08:00").isQuiet())
        XCTAssertTrue(try clock("2026-12-01T23:59:00+08:00").isQuiet())
        XCTAssertTrue(try clock("2026-12-02T07:59:00+08:00").isQuiet())
        XCTAssertFalse(try clock("2026-12-02T08:00:00+08:00").isQuiet())
        XCTAssertFalse(try clock("2026-12-01T20:59:00+08:00").isQuiet())
        // 13:30 UTC is 21:30 in Shanghai.
        XCTAssertTrue(try clock("2026-12-01T13:30:00Z").isQuiet())
        XCTAssertFalse(try clock("2026-12-01T12:30:00Z").isQuiet())
    }

    func testConfiguredQuietHours() throws {
        XCTAssertFalse(try clock("2026-12-01T21:30:00+08:00", quiet: "22:00-07:00").isQuiet())
        XCTAssertTrue(try clock("2026-12-02T06:30:00+08:00", quiet: "22:00-07:00").isQuiet())
        XCTAssertTrue(try clock("2026-12-02T13:00:00+08:00", quiet: "12:00-14:00").isQuiet(), "a range within one day")
        XCTAssertFalse(try clock("2026-12-02T14:00:00+08:00", quiet: "12:00-14:00").isQuiet())
    }

    func testANightSpansMidnight() throws {
        XCTAssertEqual(try clock("2026-12-01T23:00:00+08:00").night, "2026-12-01")
        XCTAssertEqual(try clock("2026-12-02T02:00:00+08:00").night, "2026-12-01")
        XCTAssertEqual(try clock("2026-12-02T13:00:00+08:00").night, "2026-12-02")
    }

    func testNowNeedsAZone() {
        XCTAssertNil(PushClock.parse("2026-12-01 23:00"))
        XCTAssertNotNil(PushClock.parse("2026-12-01T23:00:00Z"))
    }

    func testSMSSegmentsAsCarriersCount() {
        XCTAssertEqual(SMSLength.segments(""), 0)
        XCTAssertEqual(SMSLength.segments(String(repeating: "惠", count: 70)), 1)
        XCTAssertEqual(SMSLength.segments(String(repeating: "惠", count: 71)), 2)
        XCTAssertEqual(SMSLength.segments(String(repeating: "惠", count: 134)), 2)
        XCTAssertEqual(SMSLength.segments(String(repeating: "惠", count: 135)), 3)
        XCTAssertEqual(SMSLength.characters("𠀀"), 2, "a character outside the BMP counts twice")
    }

    func testBackOffDoublesWithJitter() {
        XCTAssertEqual(PushDispatcher.delay(attempt: 1, backoff: 1, jitter: 1), 1)
        XCTAssertEqual(PushDispatcher.delay(attempt: 3, backoff: 1, jitter: 1), 4)
        XCTAssertEqual(PushDispatcher.delay(attempt: 3, backoff: 0.5, jitter: 1.5), 3)
        for _ in 0..<20 {
            let delay = PushDispatcher.delay(attempt: 2, backoff: 1)
            XCTAssertTrue((1..<3).contains(delay), "\(delay)")
        }
    }
}
