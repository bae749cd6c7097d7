import Datasets
import Pipeline
import Store

/// The review queue as a table for people and as records for machines.
enum ReviewText {
    static let headers = [
        "id", "policy_id", "subject", "entity_id", "status", "missing_fields", "opened_run", "last_run", "outcome", "amount",
        "reviewer", "decided_at", "reason", "inputs_sha256",
    ]

    static func record(_ item: ReviewItem) -> [String] {
        [
            String(item.id), item.policyID, item.subject, item.entityID, item.status.rawValue, item.missing.joined(separator: "；"),
            String(item.openedRun), String(item.lastRun), item.outcome?.rawValue ?? "", item.amountFen.map(ResultsExport.yuan) ?? "",
            item.reviewer ?? "", item.decidedAt ?? "", item.reason ?? "", item.inputsSHA256,
        ]
    }

    static func table(_ items: [ReviewItem], masking: MaskingOptions) -> String {
        var table = TextTable(["编号", "政策", "对象", "状态", "缺少的数据", "开立/最近运行", "结论", "金额（元）", "复核人", "理由"])
        for item in items {
            table.add([
                String(item.id), item.policyID, masking.show(item.entityID, as: personalData(item.subject)), item.status.label,
                item.missing.joined(separator: "、"), "\(item.openedRun)/\(item.lastRun)", item.outcome?.label ?? "",
                item.amountFen.map(ResultsExport.yuan) ?? "", item.reviewer ?? "", item.reason ?? "",
            ])
        }
        return table.render()
    }

    /// 复核 #12 已决定 符合（李四）: for `results --wide` and `explain`.
    static func summary(_ item: ReviewItem) -> String {
        let decision = item.outcome.map { " \($0.label)（\(item.reviewer ?? "")）" } ?? ""
        return "复核 #\(item.id) \(item.status.label)\(decision)"
    }

    /// The line `explain` adds under a policy with a review item.
    static func explanation(_ item: ReviewItem) -> String {
        guard item.status == .decided, let outcome = item.outcome else {
            return "人工复核：事项 #\(item.id) 待复核（运行 \(item.lastRun) 开立或更新；mianshen review decide \(item.id) …）"
        }
        let money = item.amountFen.map { "，每期 \(ResultsExport.yuan($0)) 元" } ?? ""
        return "人工复核：事项 #\(item.id) 已决定为“\(outcome.label)”\(money)（复核人 \(item.reviewer ?? "")，\(item.decidedAt ?? "")；理由：\(item.reason ?? "")）；数据不变时各次运行按此报告"
    }

    /// What a run did to the review queue (on standard error, so the summary's records stay clean).
    static func runLine(_ pass: ReviewPass) -> String {
        var parts: [String] = []
        if pass.applied > 0 { parts.append("\(pass.applied) 项按复核决定报告") }
        if pass.opened > 0 { parts.append("新开复核事项 \(pass.opened) 项") }
        if pass.changed > 0 { parts.append("\(pass.changed) 项因数据变化更新输入（其中已决定而重新打开 \(pass.reopened) 项）") }
        if parts.isEmpty { parts.append(pass.opensItems ? "没有新的复核事项" : "试运行不开立复核事项") }
        if pass.verified { parts.append("数据、规则和日期与上次运行相同，沿用各事项的输入哈希") }
        return "人工复核：" + parts.joined(separator: "；") + "（mianshen review list）"
    }

    static func personalData(_ subject: String) -> PersonalData? { subject == "居民" ? .idNumber : nil }

    static func action(_ code: String) -> String {
        switch code {
        case "opened": "开立"
        case "inputs_changed": "数据变化，输入哈希更新"
        case "reopened_inputs_changed": "数据变化，已决定的事项重新打开"
        case "reopened": "申诉重新打开"
        case "decided:eligible": "决定：符合"
        case "decided:ineligible": "决定：不符合"
        default: code
        }
    }
}
