import Foundation
import MianshenTesting
import XCTest

/// `mianshen push` end to end, against the real test gateway process, on a fixed clock: digest,
/// consent, opt-out, no contact, quiet hours, cross-night dedup and 金额变化, rate limit, the
/// HMAC header, retry on 500 and none on 400.
final class PushCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private let secret = "test-secret-\(UUID().uuidString)"
    // A: 户主 of H1 (C is a baby: 育儿 is A's too); B: A's spouse, said 否; D: consent empty;
    // E: no phone; F: opted out by a 回T reply.
    private let a = TrialStore.id("41010319461127001", "男"), b = TrialStore.id("41010319461128002", "女")
    private let c = TrialStore.id("41010320250110003", "男"), d = TrialStore.id("41010319500101004", "女")
    private let e = TrialStore.id("41010319440505005", "男"), f = TrialStore.id("41010319600505006", "女")

    private func rules(amount: Int) -> String {
        """
        政策 T-YB “居民医保试算”
          领域 助医
          对象 居民
          方式 直接兑现
          周期 年
          条件 本区 “户籍在二七区”：户籍地 属于 二七区
          金额 \(amount) 元
        结束
        政策 T-YE “育儿试算”
          领域 育幼
          对象 家庭
          领取人 户主
          方式 依申请
          条件 有婴幼儿 “家庭中有 3 周岁以下婴幼儿”：计数(家庭成员, 周岁(家庭成员.出生日期) < 3) >= 1
          金额 3600 元
        结束
        """
    }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        try dir.copySchemas()
        try FileManager.default.copyItem(atPath: RepositoryPaths.rules + "/templates", toPath: dir.file("templates"))
        let header = "id_number,name,gender,birth_date,hukou_division,hukou_type,household_id,relation,phone,alive,dibao,tekun,disability_level,school_stage,medical_insurance,annual_income_yuan,farmland_mu,consent_push"
        let rows = [
            a + ",张甲,男,1946-11-27,410103001,非农业,H1,户主,13800000001,是,否,否,,无,城乡居民,1000,0,是",
            b + ",李乙,女,1946-11-28,410103001,非农业,H1,配偶,13800000002,是,否,否,,无,城乡居民,1000,0,否",
            c + ",张丙,男,2025-01-10,410103001,非农业,H1,子女,,是,否,否,,无,城乡居民,0,0,是",
            d + ",王丁,女,1950-01-01,410103001,非农业,H2,户主,13800000004,是,否,否,,无,城乡居民,1000,0,",
            e + ",赵戊,男,1944-05-05,410103002,非农业,H3,户主,,是,否,否,,无,城乡居民,1000,0,是",
            f + ",钱己,女,1960-05-05,410103002,非农业,H4,户主,13800000006,是,否,否,,无,城乡居民,1000,0,是",
        ]
        try dir.write("residents.csv", ([header] + rows).joined(separator: "\n") + "\n")
        for db in ["p.db", "probe.db"] {
            let result = try CLIRunner.run(["import", "residents", dir.file("residents.csv"), "--rules", dir.path, "--db", dir.file(db)])
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        }
        try dir.write("replies.csv", "13800000006,T,2026-11-20 10:00\n")
    }

    /// The published rules run, F's 回T reply imported, the night queued: digests for A and D.
    private func prepare() throws {
        try evaluate()
        let optout = try run(["push", "optout", "import", dir.file("replies.csv")])
        XCTAssertEqual(optout.status, 0, optout.stderr)
        XCTAssertTrue(try queue("2026-11-27T20:00:00+08:00").contains("写入待发消息 2 条"))
    }

    private func run(_ arguments: [String], gateway: TestGatewayProcess? = nil, config: [String: String] = [:], db: String = "p.db") throws -> CLIResult {
        var extra: [String] = []
        if gateway != nil || !config.isEmpty {
            var toml = "[gateway]\nurl = \"\(gateway?.url ?? "http://127.0.0.1:9/messages")\"\ntimeout_seconds = 2\nmax_attempts = 3\nbackoff_seconds = 0\n"
            if let seconds = config["timeout"] { toml = toml.replacingOccurrences(of: "timeout_seconds = 2", with: "timeout_seconds = \(seconds)") }
            if let consent = config["unknown_consent"] { toml += "[push]\nunknown_consent = \"\(consent)\"\n" }
            if let limit = config["sms"] { toml += "[push.rate_limit_per_hour]\nsms = \(limit)\n" }
            extra = ["--config", try dir.write("m.toml", toml)]
        }
        return try CLIRunner.run(arguments + extra + ["--rules", dir.path, "--db", dir.file(db)], environment: ["MIANSHEN_GATEWAY_SECRET": secret])
    }

    /// Publishes the rules (approvals for their current content, read from a trial run) and runs them.
    private func evaluate(amount: Int = 10, asOf: String = "2026-11-27") throws {
        try dir.write("试算.policy", rules(amount: amount))
        try? FileManager.default.removeItem(atPath: dir.file("approvals.yaml"))
        let trial = try run(["run", "--as-of", asOf, "--include-drafts"], db: "probe.db")
        XCTAssertEqual(trial.status, 0, trial.stderr)
        try dir.write("approvals.yaml", try TrialStore.approvals(probe: dir.file("probe.db")))
        let result = try run(["run", "--as-of", asOf])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }

    private func queue(_ now: String) throws -> String {
        let result = try run(["push", "queue", "--now", now])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return result.stdout
    }

    func testANightFromQueueToDeliveryAndTheNextNight() throws {
        try evaluate()
        let optout = try run(["push", "optout", "import", dir.file("replies.csv")])
        XCTAssertEqual(optout.status, 0, optout.stderr)

        let first = try queue("2026-11-27T20:00:00+08:00")
        // T-YB: A, B, C, D, E, F; T-YE: H1 → A. A gets one digest of 2 items; B said 否; C and E
        // have no phone (offline); D's consent is unknown (sent); F opted out.
        XCTAssertTrue(first.contains("发放事项 7 项"), first)
        XCTAssertTrue(first.contains("写入待发消息 2 条"), first)
        XCTAssertTrue(first.contains("待线下告知 2 人"), first)
        XCTAssertTrue(first.contains("不同意推送 1 人，已退订 1 人，同意情况未知 1 人"), first)
        XCTAssertTrue(try queue("2026-11-27T20:30:00+08:00").contains("写入待发消息 0 条"), "the same night again writes nothing")

        let preview = try run(["push", "preview"])
        XCTAssertEqual(preview.status, 0, preview.stderr)
        XCTAssertTrue(preview.stdout.contains("【二七区政务服务】张*您好，"), preview.stdout)
        XCTAssertTrue(preview.stdout.contains("“居民医保试算”") && preview.stdout.contains("“育儿试算”"), "A's digest has both items: \(preview.stdout)")
        XCTAssertTrue(preview.stdout.contains("回T退订\n") || preview.stdout.hasSuffix("回T退订\n"), preview.stdout)
        XCTAssertFalse(preview.stdout.contains("13800000001"), "masked")
        XCTAssertFalse(preview.stdout.contains("张甲"), "SMS carries the masked name")
        let outreach = try run(["push", "outreach"])
        XCTAssertEqual(outreach.stdout.components(separatedBy: "居民医保试算").count - 1, 2, outreach.stdout)
        XCTAssertTrue(try run(["audit", "list"]).stdout.contains("push preview"))

        let gateway = try TestGatewayProcess(log: dir.file("gw.log"), secret: secret)
        let quiet = try run(["push", "dispatch", "--now", "2026-11-27T22:00:00+08:00"], gateway: gateway)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertTrue(quiet.stdout.contains("免打扰"), quiet.stdout)
        XCTAssertEqual(gateway.keys("accepted"), [])

        let morning = try run(["push", "dispatch", "--now", "2026-11-28T08:30:00+08:00"], gateway: gateway)
        XCTAssertEqual(morning.status, 0, morning.stdout + morning.stderr)
        XCTAssertTrue(morning.stdout.contains("送达 2 条，失败 0 条"), morning.stdout)
        XCTAssertEqual(gateway.keys("accepted").count, 2)
        XCTAssertEqual(gateway.keys("unsigned"), [])
        XCTAssertTrue(try run(["push", "status"]).stdout.contains("delivered"))
        XCTAssertTrue(try run(["audit", "list"]).stdout.contains("push dispatch"), "the messages carried phones and names")

        // The next night, nothing changed: nothing new. Then the amount changes: 金额变化.
        try evaluate(asOf: "2026-11-28")
        XCTAssertTrue(try queue("2026-11-28T20:00:00+08:00").contains("写入待发消息 0 条"))
        try evaluate(amount: 20, asOf: "2026-11-29")
        let changed = try queue("2026-11-29T20:00:00+08:00")
        XCTAssertTrue(changed.contains("发放事项 6 项"), changed)
        let after = try run(["push", "preview"]).stdout
        XCTAssertTrue(after.contains("金额调整为20.00元"), after)
        XCTAssertFalse(after.contains("育儿试算"), "the unchanged item is not told again: \(after)")
    }

    func testTheHourlyLimit() throws {
        try prepare()
        let gateway = try TestGatewayProcess(log: dir.file("gw.log"), secret: secret)
        let limited = try run(["push", "dispatch", "--now", "2026-11-28T08:30:00+08:00"], gateway: gateway, config: ["sms": "1"])
        XCTAssertTrue(limited.stdout.contains("送达 1 条") && limited.stdout.contains("超出限速待发 1 条"), limited.stdout)
        let later = try run(["push", "dispatch", "--now", "2026-11-28T09:31:00+08:00"], gateway: gateway, config: ["sms": "1"])
        XCTAssertTrue(later.stdout.contains("送达 1 条"), later.stdout)
        XCTAssertEqual(gateway.keys("accepted").count, 2)
    }

    func testFiveHundredsAreRetriedFourHundredsAreNotAndAWrongSignatureIsRefused() throws {
        try prepare()
        // Every request answered 500: three attempts each (max_attempts), then failed; exit 69.
        let failing = try TestGatewayProcess(log: dir.file("fail.log"), secret: secret, arguments: ["--fail-rate", "1"])
        let failed = try run(["push", "dispatch", "--now", "2026-11-28T08:30:00+08:00"], gateway: failing)
        XCTAssertEqual(failed.status, 69, failed.stdout + failed.stderr)
        XCTAssertEqual(failing.keys("fault").count, 6, "2 messages × 3 attempts (max_attempts)")
        XCTAssertEqual(failing.keys("accepted"), [])

        // Retried: one recipient is refused with 400 (once, no retry), the other delivered.
        XCTAssertTrue(try run(["push", "retry", "--failed", "--now", "2026-11-28T08:40:00+08:00"]).stdout.contains("重新排队 2 条"))
        let marked = try TestGatewayProcess(log: dir.file("mark.log"), secret: secret, arguments: ["--reject-to", "13800000004"])
        let partly = try run(["push", "dispatch", "--now", "2026-11-28T08:45:00+08:00"], gateway: marked)
        XCTAssertEqual(partly.status, 69, partly.stdout + partly.stderr)
        XCTAssertEqual(marked.keys("rejected").count, 1, "a 400 is not retried")
        XCTAssertEqual(marked.keys("accepted").count, 1)
        let history = try run(["push", "status", "--history"]).stdout
        XCTAssertTrue(history.contains("收件号码停机"), history)

        // A gateway with another secret answers 401: failed with the reason, not retried.
        XCTAssertTrue(try run(["push", "retry", "--failed", "--now", "2026-11-28T08:50:00+08:00"]).stdout.contains("重新排队 1 条"))
        let stranger = try TestGatewayProcess(log: dir.file("other.log"), secret: "another-secret")
        let refused = try run(["push", "dispatch", "--now", "2026-11-28T08:55:00+08:00"], gateway: stranger)
        XCTAssertEqual(refused.status, 69)
        XCTAssertEqual(stranger.keys("unsigned").count, 1)
        XCTAssertTrue(try run(["push", "status", "--history"]).stdout.contains("HTTP 401"))
    }

    /// The gateway accepts but answers after the client's timeout: the retry carries the same key,
    /// so the gateway logs a duplicate and still has each message accepted exactly once.
    func testATimeoutIsRetriedWithTheSameKeyAndTheGatewayDedups() throws {
        try prepare()
        let slow = try TestGatewayProcess(log: dir.file("slow.log"), secret: secret, arguments: ["--timeout-rate", "1", "--stall-seconds", "4"])
        let timedOut = try run(["push", "dispatch", "--now", "2026-11-28T08:30:00+08:00"], gateway: slow, config: ["timeout": "1.5"])
        XCTAssertEqual(timedOut.status, 69, timedOut.stdout + timedOut.stderr)
        XCTAssertEqual(Set(slow.keys("accepted")).count, 2)
        XCTAssertEqual(slow.keys("accepted").count, 2, "each key accepted once")
        // The retries that reached the gateway before the client gave up on them are duplicates (a
        // retry can time out while still waiting for the stalled connection, so not all 4 arrive).
        XCTAssertFalse(slow.keys("duplicate").isEmpty)
        XCTAssertTrue(Set(slow.keys("duplicate")).isSubset(of: Set(slow.keys("accepted"))))
        XCTAssertTrue(try run(["push", "status", "--history"]).stdout.contains("网关超时"))
    }

    /// An empty consent_push is unknown: sent by default, held back with unknown_consent = "hold"
    /// (and then not remembered as told, so a later night without the hold tells it).
    func testUnknownConsentCanBeHeld() throws {
        try evaluate()
        let held = try run(["push", "queue", "--now", "2026-11-27T20:00:00+08:00"], config: ["unknown_consent": "hold"])
        XCTAssertEqual(held.status, 0, held.stderr)
        XCTAssertTrue(held.stdout.contains("写入待发消息 2 条") && held.stdout.contains("同意情况未知 1 人"), held.stdout)
        let later = try queue("2026-11-28T20:00:00+08:00")
        XCTAssertTrue(later.contains("写入待发消息 1 条"), "D's item, held before, is told now: \(later)")
    }

    func testTheSecretComesOnlyFromTheEnvironment() throws {
        try prepare()
        let result = try CLIRunner.run(
            ["push", "dispatch", "--now", "2026-11-28T08:30:00+08:00", "--rules", dir.path, "--db", dir.file("p.db")],
            environment: ["MIANSHEN_GATEWAY_SECRET": ""]
        )
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("MIANSHEN_GATEWAY_SECRET"), result.stderr)
    }

    /// A wrong push setting is a usage error (64), named by file and key, as the nightly's are.
    func testAWrongSettingExitsSixtyFourNamingTheKey() throws {
        try prepare()
        for (toml, key) in [("[push]\nquiet_hours = \"半夜\"\n", "quiet_hours"), ("[push]\nfoo = 1\n", "foo"), ("[push\n", "TOML")] {
            let config = try dir.write("bad.toml", toml)
            let result = try CLIRunner.run(["push", "dispatch", "--config", config, "--rules", dir.path, "--db", dir.file("p.db")])
            XCTAssertEqual(result.status, 64, toml + result.stderr)
            XCTAssertTrue(result.stderr.contains(config) && result.stderr.contains(key), result.stderr)
        }
    }
}
