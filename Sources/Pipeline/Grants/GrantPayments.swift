internal import Foundation
public import Outputs
public import Store

/// The payment file of a period and the finance office's confirmations coming back.
public enum GrantPayments {
    /// The ledger's entries of the period not yet confirmed paid (all with `includePaid`), as
    /// payment lines with the payee's name, and their total in 分. An entry whose payee has no
    /// name in the profiles (gone from the residents or enterprises table, or never named) is not
    /// written with an empty name: it is listed in `withoutName` for the office to resolve.
    public static func lines(
        period: String, policyID: String?, includePaid: Bool, store: ProfileStore
    ) throws -> (lines: [PaymentLine], totalFen: Int64, withoutName: [GrantEntryRow]) {
        let rows = try store.grantEntries(GrantQuery(period: period, policyID: policyID, unpaidOnly: !includePaid))
        let names = try store.names(of: rows.map(\.benefit.payeeID))
        var lines: [PaymentLine] = []
        var withoutName: [GrantEntryRow] = []
        var totalFen: Int64 = 0
        for r in rows {
            let b = r.benefit
            guard let name = names[b.payeeID], !name.isEmpty else {
                withoutName.append(r)
                continue
            }
            lines.append(PaymentLine(
                entryID: r.entryID, number: b.number, payeeID: b.payeeID, payeeName: name, policyID: b.policyID,
                policyTitle: b.policyTitle, period: b.period, periodLabel: b.periodLabel, kind: r.kind, amount: Money.yuan(r.amountFen)
            ))
            totalFen += r.amountFen
        }
        return (lines, totalFen, withoutName)
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
        // The ids are checked where they are recorded, in one transaction: a wrong line records nothing.
        let recorded = try store.confirmPayments(confirmations) { unknown in
            let all = problems + unknown.map { ($0.line, "发放编号 \($0.entryID) 不在发放台账中（grants list 查看）。") }
            try ReturnFileError.check(all.sorted { $0.line < $1.line }, path: path)
        }
        return (recorded, confirmations.count)
    }
}
