import Foundation
import Outputs
import XCTest

/// The finance office opens the payment file in Excel: a name from imported data that starts like
/// a formula is defused, while a 追回 amount (negative) stays a number.
final class PaymentFileTests: XCTestCase {
    func testFormulaLikeTextIsDefusedAndAmountsStayNumbers() {
        let line = PaymentLine(
            entryID: "P-ONCE-1-2", number: "P-ONCE-1", payeeID: "410103195311285423", payeeName: "=HYPERLINK(\"x\")",
            policyID: "P", policyTitle: "+标题", period: "ONCE", periodLabel: "一次性", kind: "追回", amount: "-10.00"
        )
        let text = String(decoding: PaymentFile.csv([line]), as: UTF8.self)
        let rows = text.split(separator: "\n")
        XCTAssertTrue(text.hasPrefix("\u{FEFF}grant_id,"), text)
        XCTAssertEqual(rows.last, "P-ONCE-1-2,P-ONCE-1,410103195311285423,\"'=HYPERLINK(\"\"x\"\")\",P,'+标题,一次性,追回,-10.00")
    }
}
