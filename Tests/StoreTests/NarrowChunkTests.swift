import MianshenTesting
@testable import Store
import XCTest

/// A collected column's chunk written as narrow as its range allows (`NarrowChunk`) reads back
/// exactly the values written: ranges that take 1, 2, 4 and 8 bytes, negative values, and a
/// range that overflows `Int64` (written whole).
final class NarrowChunkTests: XCTestCase {
    func testEveryWidthReadsBackWhatWasWritten() throws {
        let dir = try TemporaryDirectory()
        let spill = try XCTUnwrap(SpillFile(directory: dir.path))
        let cases: [(values: [Int64], width: Int)] = [
            ([7, 7, 7], 1),
            ([-3, 0, 252], 1),
            ([-300, 0, 65_000], 2),
            ([Int64(Int32.min), 0, Int64(Int32.max)], 4),
            ([20_000, -20_000, 4_000_000_000, 1], 4),
            ([0, 1 << 40], 8),
            ([Int64.min, Int64.max, 0], 8),
            ([Int64.min, Int64.min + 255], 1),
        ]
        for (values, width) in cases {
            let chunk = try XCTUnwrap(NarrowChunk(values, spill))
            XCTAssertEqual(chunk.width, width, "\(values)")
            var back: [Int64] = [42]
            XCTAssertTrue(chunk.read(spill, appendingTo: &back))
            XCTAssertEqual(back, [42] + values)
        }
    }
}
