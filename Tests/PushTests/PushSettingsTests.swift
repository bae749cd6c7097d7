import Foundation
import MianshenTesting
import Pipeline
import TOMLKit
import XCTest

/// `[push]` and `[gateway]` from TOML: defaults, every key, and errors naming file and key.
final class PushSettingsTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }

    private func parse(_ text: String) throws -> PushSettings {
        try PushSettings(file: try dir.write("m.toml", text))
    }

    func testDefaultsWhenTheTablesAreAbsent() throws {
        let settings = try parse("")
        XCTAssertEqual(settings, PushSettings())
        XCTAssertEqual(settings.quietFrom, 21 * 60)
        XCTAssertEqual(settings.quietTo, 8 * 60)
        XCTAssertEqual(settings.secretEnv, "MIANSHEN_GATEWAY_SECRET")
    }

    func testEveryKeyIsRead() throws {
        let settings = try parse("""
            [push]
            quiet_hours = "22:30-07:00"
            time_zone = "Asia/Urumqi"
            channels = ["sms", "app"]
            unknown_consent = "hold"
            expire_hours = 24
            [push.rate_limit_per_hour]
            sms = 5
            app = 7
            [gateway]
            url = "http://127.0.0.1:9/messages"
            secret_env = "MY_SECRET"
            timeout_seconds = 2.5
            max_attempts = 3
            backoff_seconds = 0
            """)
        XCTAssertEqual(settings.quietFrom, 22 * 60 + 30)
        XCTAssertEqual(settings.quietTo, 7 * 60)
        XCTAssertEqual(settings.timeZone, "Asia/Urumqi")
        XCTAssertEqual(settings.channels, ["sms", "app"])
        XCTAssertEqual(settings.ratePerHour["sms"], 5)
        XCTAssertEqual(settings.ratePerHour["app"], 7)
        XCTAssertEqual(settings.ratePerHour["email"], 2000, "a channel not given keeps its default")
        XCTAssertEqual(settings.unknownConsent, "hold")
        XCTAssertEqual(settings.expireHours, 24)
        XCTAssertEqual(settings.gatewayURL, "http://127.0.0.1:9/messages")
        XCTAssertEqual(settings.secretEnv, "MY_SECRET")
        XCTAssertEqual(settings.timeoutSeconds, 2.5)
        XCTAssertEqual(settings.maxAttempts, 3)
        XCTAssertEqual(settings.backoffSeconds, 0)
    }

    func testUnknownKeysAndBadValuesNameFileAndKey() throws {
        let cases: [(String, String)] = [
            ("[push]\nquiet = \"21:00-08:00\"", "push.quiet"),
            ("[push]\nquiet_hours = \"9pm-8am\"", "push.quiet_hours"),
            ("[push]\nchannels = [\"fax\"]", "push.channels"),
            ("[push]\ntime_zone = \"Mars/Base\"", "push.time_zone"),
            ("[push.rate_limit_per_hour]\nsms = 0", "push.rate_limit_per_hour.sms"),
            ("[gateway]\nsecret = \"s3cr3t\"", "gateway.secret"),
            ("[gateway]\nmax_attempts = -1", "gateway.max_attempts"),
            ("[gateway]\nurl = \"ftp://x\"", "gateway.url"),
        ]
        for (text, key) in cases {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(dir.file("m.toml")), "\(error)")
                XCTAssertTrue("\(error)".contains(key), "\(error)")
            }
        }
    }

    func testTheNightlysTablesAreLeftToItWhenHandedOver() throws {
        let table = try TOMLTable(string: "db = \"x.db\"\n[nightly]\nsteps = 3\n[push]\nchannels = [\"app\"]\n")
        XCTAssertEqual(try PushSettings(table: table, file: "n.toml").channels, ["app"])
        XCTAssertThrowsError(try PushSettings(table: table, file: "n.toml", ignoringOthers: false))
        let shared = try dir.write("shared.toml", "db = \"x.db\"\n[nightly]\nsteps = 3\n[gateway]\nmax_attempts = 2\n")
        XCTAssertEqual(try PushSettings(file: shared).maxAttempts, 2, "the nightly's file serves push dispatch --config too")
    }
}
