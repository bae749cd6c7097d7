public import Foundation

/// One line of the payment file for the finance office (惠民惠农财政补贴资金“一卡通” style):
/// who is paid, for which policy and period, how much, and the id the office confirms back.
/// Bank accounts stay with the finance system; ids are in full (a machine file).
public struct PaymentLine: Sendable {
    /// 发放编号.
    public var entryID: String
    /// 受益编号.
    public var number: String
    public var payeeID: String
    public var payeeName: String
    public var policyID: String
    public var policyTitle: String
    public var period: String
    public var periodLabel: String
    /// 发放, 补发 or 追回.
    public var kind: String
    /// 元, exact decimal; negative for 追回.
    public var amount: String

    public init(
        entryID: String, number: String, payeeID: String, payeeName: String, policyID: String, policyTitle: String,
        period: String, periodLabel: String, kind: String, amount: String
    ) {
        self.entryID = entryID
        self.number = number
        self.payeeID = payeeID
        self.payeeName = payeeName
        self.policyID = policyID
        self.policyTitle = policyTitle
        self.period = period
        self.periodLabel = periodLabel
        self.kind = kind
        self.amount = amount
    }
}

/// The payment file as CSV (UTF-8 with a BOM, so Excel shows the Chinese) or XML (libxml2's
/// xmlTextWriter, as the applications are written).
public enum PaymentFile {
    public static let header = [
        "grant_id", "benefit_no", "payee_id", "payee_name", "policy_id", "policy_title", "period", "kind", "amount",
    ]

    public static func csv(_ lines: [PaymentLine]) -> Data {
        let rows = lines.map { l in
            CSVText.excelLine([l.entryID, l.number, l.payeeID, l.payeeName, l.policyID, l.policyTitle, l.periodLabel, l.kind, l.amount], numeric: [8])
        }
        return Data(("\u{FEFF}" + ([CSVText.line(header)] + rows).joined(separator: "\n") + "\n").utf8)
    }

    /// nil if libxml2 failed to write.
    public static func xml(_ lines: [PaymentLine], period: String, total: String) -> Data? {
        guard let w = XMLTextWriter() else { return nil }
        w.start("payments")
        w.attribute("format", OutputsFormat.version)
        w.attribute("period", period)
        w.attribute("count", String(lines.count))
        w.attribute("total", total)
        for l in lines {
            w.start("payment")
            w.attribute("id", l.entryID)
            w.attribute("kind", l.kind)
            w.element("benefitNo", l.number)
            w.start("payee")
            w.element("id", l.payeeID)
            w.element("name", l.payeeName)
            w.end()
            w.start("policy")
            w.attribute("id", l.policyID)
            w.text(l.policyTitle)
            w.end()
            w.element("period", l.periodLabel)
            w.element("amount", l.amount)
            w.end()
        }
        w.end()
        return w.finish()
    }
}
