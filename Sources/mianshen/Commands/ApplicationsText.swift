import Outputs
import Pipeline

/// The summary `applications generate` prints: counts per policy, the materials to look at,
/// policies without a form, applications that failed validation.
enum ApplicationsText {
    static func print(_ summary: ApplicationSummary, output: String) {
        Swift.print("运行 \(summary.runID)（评估日 \(summary.asOf)）：生成申请表 \(summary.written.count) 份，写入 \(output)")
        var counts: [String: (title: String, count: Int)] = [:]
        for w in summary.written {
            counts[w.policyID, default: (w.title, 0)].count += 1
        }
        for (id, entry) in counts.sorted(by: { $0.key < $1.key }) {
            Swift.print("  \(id) \(entry.title)　\(entry.count) 份")
        }
        let flagged = summary.written.filter { !$0.flagged.isEmpty }
        if !flagged.isEmpty {
            let count = flagged.reduce(0) { $0 + $1.flagged.count }
            Swift.print("申请材料需注意（已过期、\(Material.expiringWithin) 天内到期或未调取到）：\(count) 项")
            for w in flagged {
                for m in w.flagged {
                    Swift.print("  \(w.number)　\(w.entity)　\(m.type)\(m.number.map { " \($0)" } ?? "")　\(m.statusText)")
                }
            }
        }
        if !summary.declined.isEmpty {
            Swift.print("申请人已拒绝、本受益期不再生成：\(summary.declined.count) 份（\(summary.declined.prefix(5).joined(separator: "、"))\(summary.declined.count > 5 ? "……" : "")）")
        }
        for id in summary.withoutForm {
            Swift.print("依申请政策 \(id) 没有申请表定义：在 Rules/forms/ 中添加 \(id).form.yaml，并在 applications.xsd 中声明 Form.\(id)。")
        }
        if !summary.gone.isEmpty {
            Swift.print("档案中已没有、未生成：\(summary.gone.count) 份")
            for f in summary.gone { Swift.print("  \(f.number)　\(f.entity)：\(f.problems.joined(separator: "；"))") }
        }
        if !summary.withoutPayee.isEmpty {
            Swift.print("领取人在档案中缺失、未生成：\(summary.withoutPayee.count) 份")
            for f in summary.withoutPayee { Swift.print("  \(f.number)　\(f.entity)：\(f.problems.joined(separator: "；"))") }
        }
        if !summary.failed.isEmpty {
            Swift.print("未通过 XSD 校验、未保存：\(summary.failed.count) 份")
            for f in summary.failed {
                Swift.print("  \(f.number)　\(f.entity)：\(f.problems.joined(separator: "；"))")
            }
        }
        Swift.print("索引：\(output)/\(summary.index)")
    }
}
