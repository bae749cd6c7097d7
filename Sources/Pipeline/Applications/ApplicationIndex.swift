internal import Foundation
internal import Outputs

/// `index.csv` of an applications directory: one line per application kept, UTF-8 with a BOM
/// (so Excel shows the Chinese), personal data masked.
enum ApplicationIndex {
    static let header = [
        "application_no", "policy_id", "policy_title", "period", "entity_id", "payee_id", "amount", "flagged_materials", "xml", "html",
    ]

    static func csv(_ written: [ApplicationSummary.Written]) -> String {
        let lines = [line(header)] + written.map { w in
            CSVText.excelLine([
                w.number, w.policyID, w.title, w.period, w.entity, w.payee, w.amount,
                w.flagged.map { "\($0.type)：\($0.statusText)" }.joined(separator: "；"), w.xml, w.html,
            ], numeric: [6])
        }
        return "\u{FEFF}" + lines.joined(separator: "\n") + "\n"
    }

    static func line(_ cells: [String]) -> String { CSVText.line(cells) }
}
