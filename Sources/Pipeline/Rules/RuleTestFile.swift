internal import Foundation
internal import Yams

/// A rule test file (`高龄津贴.test.yaml` beside `高龄津贴.policy`), as an official writes it:
///
/// ```yaml
/// policy: YL-GLJT
/// cases:
///   - name: 生日当天年满八十
///     as_of: 2026-11-27
///     entity: {出生日期: 1946-11-27, 是否健在: 是, 户籍地: 410103001}
///     members: []          # 家庭成员（居民字段），可省略
///     licences: []         # 证照，可省略
///     expect: {outcome: 符合, amount: 120.00}
///   - name: 前一天未满
///     as_of: 2026-11-26
///     entity: {出生日期: 1946-11-27, 是否健在: 是, 户籍地: 410103001}
///     expect: {outcome: 不符合, failing: 年满八十}
/// ```
struct RuleTestFile: Decodable {
    var policy: String
    var cases: [Case]

    struct Case: Decodable {
        var name: String
        // swiftlint:disable:next identifier_name
        var as_of: String
        var entity: [String: ScalarString]
        var members: [[String: ScalarString]]?
        var licences: [[String: ScalarString]]?
        var expect: Expectation
    }

    struct Expectation: Decodable {
        /// 符合 / 不符合 / 待人工复核
        var outcome: String
        var amount: ScalarString?
        /// A condition name that must be the (or a) failing one.
        var failing: String?
    }

    static func load(path: String) throws -> RuleTestFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RuleCheckError.unreadable(path)
        }
        do {
            return try YAMLDecoder().decode(RuleTestFile.self, from: text)
        } catch {
            throw RuleTestError.badFile(path, String(describing: error))
        }
    }
}

/// A YAML scalar read as the text the official wrote (`1946-11-27`, `是`, `120.00`, `80`).
struct ScalarString: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            text = ""
        } else if let s = try? container.decode(String.self) {
            text = s
        } else if let i = try? container.decode(Int64.self) {
            text = String(i)
        } else if let b = try? container.decode(Bool.self) {
            text = b ? "是" : "否"
        } else {
            text = String(try container.decode(Double.self))
        }
    }
}
