import Datasets
import Pipeline
import Store

/// What the push commands print, in Chinese, personal data masked.
enum PushText {
    static func queued(_ s: PushQueue.Summary, runID: Int64) -> String {
        """
        运行 \(runID)，\(s.night) 夜：发放事项 \(s.items) 项（已告知且未变化的 \(s.alreadyTold) 项不再推送），写入待发消息 \(s.queued) 条；
        无联系方式、待线下告知 \(s.offline) 人（mianshen push outreach）；不同意推送 \(s.refused) 人，已退订 \(s.optedOut) 人，同意情况未知 \(s.unknownConsent) 人；缺少户主/监护人的事项 \(s.withoutPayee) 项。
        """
    }

    static func dispatched(_ s: PushDispatcher.Summary) -> String {
        if s.quiet { return "现在是免打扰时段：\(s.waiting) 条消息等待下一次 push dispatch（过期 \(s.expired) 条）。" }
        return "送达 \(s.delivered) 条，失败 \(s.failed) 条（mianshen push status --history 查看原因），重试 \(s.retries) 次，超出限速待发 \(s.waiting) 条，过期 \(s.expired) 条。"
    }

    static let statusNames = ["queued": "待发", "sending": "发送中", "delivered": "已送达", "failed": "失败", "expired": "已过期", "offline": "线下告知"]

    static func counts(_ rows: [(channel: String, status: String, count: Int)]) -> String {
        guard !rows.isEmpty else { return "待发箱中没有消息。" }
        var table = TextTable(["渠道", "状态", "条数"])
        for row in rows { table.add([row.channel, "\(statusNames[row.status] ?? row.status)（\(row.status)）", String(row.count)]) }
        return table.render()
    }

    static func preview(_ messages: [PushMessage]) -> String {
        guard !messages.isEmpty else { return "没有待发送的消息。" }
        return messages.map { m in
            let sms = m.channel == "sms" ? "（\(SMSLength.characters(m.body)) 字，\(SMSLength.segments(m.body)) 条短信）" : ""
            return "[\(m.channel)] \(Masking.maskPhone(m.address ?? "")) 领取人 \(Masking.maskID(m.payeeID)) \(sms)\n\(m.body)"
        }.joined(separator: "\n\n")
    }

    static func outreach(_ messages: [PushMessage], masking: MaskingOptions) -> String {
        guard !messages.isEmpty else { return "没有需要线下告知的领取人。" }
        var table = TextTable(["领取人", "夜", "事项"])
        for m in messages { table.add([masking.show(m.payeeID, as: .idNumber), m.night, m.body]) }
        return table.render() + "\n共 \(messages.count) 人"
    }
}
