internal import Foundation
public import Outputs
internal import Mustache

/// The message templates in `Rules/templates/`, rendered with swift-mustache as plain text:
/// `digest.CHANNEL.mustache` wraps a payee's items; each item is one line from
/// `POLICY.CHANNEL.mustache`, else `default.CHANNEL.mustache`.
public struct PushTemplates: Sendable {
    public static let signature = "【二七区政务服务】"
    public static let unsubscribe = "回T退订"

    let library: MustacheLibrary
    public let names: Set<String>

    /// Loads every `*.mustache` of `directory`; a template that does not parse is an error naming its file.
    public init(directory: String) throws {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }.sorted()
        } catch {
            throw PushError("无法读取模板目录 \(directory)：\(error.localizedDescription)")
        }
        var library = MustacheLibrary()
        var names: Set<String> = []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw PushError("无法读取模板 \(path)") }
            let name = String(file.dropLast(".mustache".count))
            do {
                // Plain text: nothing is HTML-escaped; trailing newlines of the file are not part of the message.
                try library.register("{{% CONTENT_TYPE: TEXT}}" + text.trimmingCharacters(in: .newlines), named: name)
            } catch {
                throw PushError("\(path): 模板语法错误（\(error)）")
            }
            names.insert(name)
        }
        for channel in PushSettings.knownChannels where names.contains("digest.\(channel)") && !names.contains("default.\(channel)") {
            throw PushError("\(directory): 有 digest.\(channel).mustache 但缺少 default.\(channel).mustache")
        }
        self.library = library
        self.names = names
    }

    public func supports(_ channel: String) -> Bool { names.contains("digest.\(channel)") && names.contains("default.\(channel)") }

    /// One item line of a policy for a channel.
    func line(_ item: PushLine, channel: String) -> String {
        let name = names.contains("\(item.policyID).\(channel)") ? "\(item.policyID).\(channel)" : "default.\(channel)"
        return (library.render(item.context, withTemplate: name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A payee's digest: the wrapper around the item lines.
    public func digest(name: String, lines: [PushLine], channel: String) -> String {
        let rendered = lines.map { ["line": line($0, channel: channel)] }
        let context: [String: Any] = ["name": name, "items": rendered, "count": lines.count, "many": lines.count > 1]
        return (library.render(context, withTemplate: "digest.\(channel)") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SMS templates that can render above 2 segments: each policy's line (or the default) with
    /// the longest values it can be given, alone in the digest. Sentences for `rules check`.
    public func smsWarnings(policies: [(id: String, title: String)]) -> [String] {
        guard supports("sms") else { return [] }
        var out: [String] = []
        for policy in policies {
            let texts = PushLine.longest(policyID: policy.id, title: policy.title).map { digest(name: "欧阳**", lines: [$0], channel: "sms") }
            guard let text = texts.max(by: { SMSLength.characters($0) < SMSLength.characters($1) }) else { continue }
            let segments = SMSLength.segments(text)
            if segments > 2 {
                let file = names.contains("\(policy.id).sms") ? "\(policy.id).sms.mustache" : "default.sms.mustache"
                out.append("短信模板 \(file) 用于政策 \(policy.id) 时最长可达 \(SMSLength.characters(text)) 字、\(segments) 条短信（超过 2 条）")
            }
        }
        return out
    }
}

/// What an item line can say: the placeholders of `Rules/templates/` (see README 推送).
public struct PushLine: Sendable {
    public var policyID: String
    public var title: String
    public var kind: String
    /// 3600.00 (yuan) or empty without an amount.
    public var amount: String
    public var period: String
    public var number: String
    public var office: String
    /// For a licence reminder: the licence that expires (type, number, expiry, days left).
    public var licence: Reminder.Licence? = nil

    var context: [String: Any] {
        var out: [String: Any] = [
            "policy": policyID, "title": title, "kind": kind, "amount": amount, "period": period, "number": number, "office": office,
            "new": kind == "新资格", "changed": kind == "金额变化", "pending": kind == "申请待确认", "licence": kind == "证照到期",
            "hasAmount": !amount.isEmpty, "hasLicence": licence != nil,
        ]
        if let licence {
            out["licenceType"] = licence.type
            out["licenceNumber"] = licence.number
            out["expiry"] = licence.expiry
            out["daysLeft"] = licence.daysLeft
        }
        return out
    }

    /// Each kind with long values (for the length check).
    static func longest(policyID: String, title: String) -> [PushLine] {
        ["新资格", "金额变化", "申请待确认", "证照到期"].map {
            var line = PushLine(
                policyID: policyID, title: title, kind: $0, amount: "999999.99", period: "2026年12月",
                number: "\(policyID)-202612-0123456789ABCDEF", office: "区人力资源和社会保障局"
            )
            if $0 == "证照到期" {
                line.licence = Reminder.Licence(type: "食品经营许可证", number: "JY14101030123456", expiry: "2026-12-31", daysLeft: 60)
            }
            return line
        }
    }
}
