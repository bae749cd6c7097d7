import Outputs
import XCTest

final class OutputsFormatTests: XCTestCase {
    func testFormatVersionIsStated() {
        XCTAssertFalse(OutputsFormat.version.isEmpty)
    }
}
