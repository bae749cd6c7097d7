import Foundation
import MianshenTesting
import Pipeline
import Store
import XCTest

/// The templates of Rules/templates (swift-mustache), the digest key and opt-out files.
final class PushTemplateTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }

    func testTheRepositorysSMSTemplatesSignAndEndWithUnsubscribeWithinTwoSegments() throws {
        let templates = try PushTemplates(directory: RepositoryPaths.rules + "/templates")
        XCTAssertTrue(templates.supports("sms"))
        XCTAssertTrue(templates.supports("app"))
        XCTAssertTrue(templates.supports("email"))
        XCTAssertEqual(templates.smsWarnings(policies: [(id: "YY-YEBT", title: "育儿补贴"), (id: "ZX-GZZX", title: "城乡居民医保缴费资助")]), [])
    }

    func testATemplateThatCanRenderAboveTwoSegmentsIsAWarning() throws {
        try FileManager.default.createDirectory(atPath: dir.file("t"), withIntermediateDirectories: true)
        try dir.write("t/digest.sms.mustache", "【二七区政务服务】{{name}}您好，{{#items}}{{line}}{{/items}}回T退订\n")
        try dir.write("t/default.sms.mustache", "您符合“{{title}}”条件。\n")
        try dir.write("t/LONG.sms.mustache", String(repeating: "很长的说明", count: 30) + "{{title}}\n")
        let templates = try PushTemplates(directory: dir.file("t"))
        let warnings = templates.smsWarnings(policies: [(id: "SHORT", title: "短"), (id: "LONG", title: "长")])
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings[0].contains("LONG.sms.mustache") && warnings[0].contains("3 条短信"), warnings[0])
    }

    func testABrokenTemplateNamesItsFile() throws {
        try FileManager.default.createDirectory(atPath: dir.file("t"), withIntermediateDirectories: true)
        try dir.write("t/digest.sms.mustache", "{{#items}}{{line}}\n")
        XCTAssertThrowsError(try PushTemplates(directory: dir.file("t"))) { error in
            XCTAssertTrue("\(error)".contains("digest.sms.mustache"), "\(error)")
        }
    }

    func testTheDigestKeyIsTheHashOfPayeeChannelNightAndSortedItems() {
        let one = PushItemFixtures.item("A", "P1"), two = PushItemFixtures.item("A", "P2")
        let key = PushQueue.digestKey(payee: "A", channel: "sms", night: "2026-12-01", items: [one, two])
        XCTAssertEqual(key, PushQueue.digestKey(payee: "A", channel: "sms", night: "2026-12-01", items: [two, one]), "item order does not matter")
        XCTAssertEqual(key.count, 64)
        XCTAssertNotEqual(key, PushQueue.digestKey(payee: "A", channel: "app", night: "2026-12-01", items: [one, two]))
        XCTAssertNotEqual(key, PushQueue.digestKey(payee: "A", channel: "sms", night: "2026-12-02", items: [one, two]))
        XCTAssertNotEqual(key, PushQueue.digestKey(payee: "A", channel: "sms", night: "2026-12-01", items: [one]))
    }

    func testOptOutFilesListsAndReplies() throws {
        let list = try dir.write("list.csv", "手机号\n13800000001\n410103194611270011\nabc\n\n")
        let parsed = try OptOutFile.parse(path: list)
        XCTAssertEqual(parsed.optOuts.map(\.address), ["13800000001", "410103194611270011"])
        XCTAssertEqual(parsed.optOuts.map(\.source), ["名单", "名单"])
        XCTAssertEqual(parsed.errors, ["\(list):4: 不是手机号或证件号：“***”"])

        let replies = try dir.write("replies.csv", "13800000002,T,2026-12-01 09:00\n13800000003,谢谢\n13800000004,退订\n1380000,T\n")
        let answered = try OptOutFile.parse(path: replies)
        XCTAssertEqual(answered.optOuts.map(\.address), ["13800000002", "13800000004"])
        XCTAssertEqual(answered.optOuts.map(\.source), ["回T", "回T"])
        XCTAssertEqual(answered.otherReplies, 1)
        XCTAssertEqual(answered.errors.count, 1)
        XCTAssertTrue(answered.errors[0].hasPrefix("\(replies):4:"), answered.errors[0])
    }

    /// Columns are named by the header: a list with a name column is still a list (it opted
    /// nobody out when the column count decided), and a reply file is found by its 回复 column.
    func testOptOutColumnsAreNamedByTheHeader() throws {
        let list = try dir.write("named.csv", "\u{FEFF}姓名,手机号\n张三,13800000005\n\"李,四\",13800000006\n")
        let parsed = try OptOutFile.parse(path: list)
        XCTAssertEqual(parsed.optOuts.map(\.address), ["13800000005", "13800000006"])
        XCTAssertEqual(parsed.optOuts.map(\.source), ["名单", "名单"])
        XCTAssertEqual(parsed.optOuts.map(\.line), [2, 3])
        XCTAssertEqual(parsed.errors, [])

        // A carrier's reply export in GB18030, quoted, with the reply in its own named column.
        let text = "时间,手机号,回复内容\n\"2026-12-01 09:00\",13800000007,退订\n2026-12-01 09:01,13800000008,\"好的，谢谢\"\n"
        let path = dir.file("replies-gb.csv")
        try Data(Transcode.encode(text, to: "GB18030")).write(to: URL(fileURLWithPath: path))
        let answered = try OptOutFile.parse(path: path)
        XCTAssertEqual(answered.optOuts.map(\.address), ["13800000007"])
        XCTAssertEqual(answered.optOuts.map(\.source), ["回T"])
        XCTAssertEqual(answered.otherReplies, 1)
        XCTAssertEqual(answered.errors, [])
    }
}
