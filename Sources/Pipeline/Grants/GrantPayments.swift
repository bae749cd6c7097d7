internal import Foundation
public import Outputs
public import Store

/// The payment file of a period and the finance office's confirmations coming back.
public enum GrantPayments {
    /// The ledger's entries of the period not yet confirmed paid (all with `includePaid`), as
    /// payment lines with the payee's name, and their total in 分.
    public static func lines(
        period: String, policyID: String?, includePaid: Bool, store: ProfileStore
    ) throws -> (lines: [PaymentLine], totalFen: Int64) {
        let rows = try store.grantEntries(GrantQuery(period: period, policyID: policyID, unpaidOnly: !includePaid))
        let names = try store.names(of: rows.map(\.benefit.payeeID))
        let lines = rows.map { r in
            let b = r.benefit
            return PaymentLine(
                entryID: r.entryID, number: b.number, payeeID: b.payeeID, payeeName: names[b.payeeID] ?? "", policyID: b.policyID,
                policyTitle: b.policyTitle, period: b.period, periodLabel: b.periodLabel, kind: r.kind, amount: Money.yuan(r.amountFen)
            )
        }
        return (lines, rows.reduce(0) { $0 + $1.amountFen })
    }

    public static let statuses: [String: String] = ["paid": "paid", "已发放": "paid", "failed": "failed", "发放失败": "failed"]

    /// Reads a confirmation file (CSV or JSON Lines: 发放编号 / grant_id, 状态 / status
    /// paid|failed|已发放|发放失败, optional 时间 / time and 说明 / note) and records it. Nothing is
    /// recorded when any line is wrong (an unknown id, a status we do not know): every such
    /// line is named with file:line. Returns the number of new statuses recorded and read.
    public static func confirm(file path: String, store: ProfileStore) throws -> (recorded: Int, read: Int) {
        let file = try ReturnFile.read(path)
        var problems: [(line: Int, message: String)] = []
        var confirmations: [PaymentConfirmation] = []
        for record in file.records {
            guard let id = record.value(["grant_id", "发放编号"]) else {
                problems.append((record.line, "缺少发放编号（grant_id）。"))
                continue
            }
            let statusText = record.value(["status", "状态"]) ?? ""
            guard let status = statuses[statusText] else {
                problems.append((record.line, "状态“\(statusText)”无法识别，应为 paid、failed、已发放或发放失败（发放编号 \(id)）。"))
                continue
            }
            if let time = record.value(["time", "时间"]), let problem = ReturnFile.timeProblem(time) {
                problems.append((record.line, problem + "（发放编号 \(id)）"))
                continue
            }
            confirmations.append(PaymentConfirmation(
                entryID: id, status: status, time: record.value(["time", "时间"]), note: record.value(["note", "说明"]),
                file: path, line: record.line
            ))
        }
        let unknown = try store.unknownEntryIDs(confirmations.map(\.entryID))
        for c in confirmations where unknown.contains(c.entryID) {
            problems.append((c.line, "发放编号 \(c.entryID) 不在发放台账中（grants list 查看）。"))
        }
        try ReturnFileError.check(problems.sorted { $0.line < $1.line }, path: path)
        return (try store.confirmPayments(confirmations), confirmations.count)
    }
}
