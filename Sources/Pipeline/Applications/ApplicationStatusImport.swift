internal import Foundation
public import Store

/// `applications import-status`: statuses from the 一体化政务服务平台 (CSV or JSON Lines:
/// 申请编号 / application_no, 状态 / status, 时间 / time) added to each application's history.
/// A file with an unknown number or status records nothing. An application whose history holds
/// 已确认 and ends in 已办结 becomes a grant (source 依申请) for its period.
public enum ApplicationStatusImport {
    public static let statuses = ["已确认", "已拒绝", "已受理", "已办结"]

    public struct Summary: Sendable {
        public var read = 0
        public var recorded = 0
        public var granted = PostingSummary()
    }

    public static func run(file path: String, store: ProfileStore) throws -> Summary {
        let file = try ReturnFile.read(path)
        var problems: [(line: Int, message: String)] = []
        var lines: [ApplicationStatusLine] = []
        for record in file.records {
            guard let number = record.value(["application_no", "申请编号"]) else {
                problems.append((record.line, "缺少申请编号（application_no）。"))
                continue
            }
            let status = record.value(["status", "状态"]) ?? ""
            guard statuses.contains(status) else {
                problems.append((record.line, "状态“\(status)”无法识别，应为 \(statuses.joined(separator: "、"))（申请编号 \(number)）。"))
                continue
            }
            guard let time = record.value(["time", "时间"]) else {
                problems.append((record.line, "缺少时间（time）（申请编号 \(number)）。"))
                continue
            }
            if let problem = ReturnFile.timeProblem(time) {
                problems.append((record.line, problem + "（申请编号 \(number)）"))
                continue
            }
            lines.append(ApplicationStatusLine(number: number, status: status, time: time, file: path, line: record.line))
        }
        let unknown = try store.unknownApplicationNumbers(lines.map(\.number))
        for l in lines where unknown.contains(l.number) {
            problems.append((l.line, "申请编号 \(l.number) 不是本系统生成的申请（applications generate 生成后才能回传状态）。"))
        }
        try ReturnFileError.check(problems.sorted { $0.line < $1.line }, path: path)
        var summary = Summary()
        summary.read = lines.count
        let (recorded, completed) = try store.recordApplicationStatuses(lines)
        summary.recorded = recorded
        let postings = completed.map { o in
            GrantPosting(benefit: o.benefit, source: "依申请", applicationNumber: o.benefit.number, amountFen: o.amountFen)
        }
        summary.granted = try store.postGrants(GrantPostings(postings: postings), runID: nil)
        return summary
    }
}
