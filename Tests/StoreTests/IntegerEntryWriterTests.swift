import MianshenTesting
@testable import Store
import XCTest

/// An integer entry written to the spill file a block at a time (`IntegerEntryWriter`) is
/// `ColumnCacheCodec`'s bytes for the same rows, its validity given first or with the last value,
/// and every row's value is asked for in order even when the entry stores none (every value
/// equal): the first load notes each row's validity and 户主 as it is asked.
final class IntegerEntryWriterTests: XCTestCase {
    private func written(
        _ values: [Int64?], kind: UInt8, validityAtFinish: Bool, asked: inout [Int], file: StaticString = #filePath, line: UInt = #line
    ) throws -> [UInt8] {
        let dir = try TemporaryDirectory()
        let spill = try XCTUnwrap(SpillFile(directory: dir.path))
        var validity = [UInt64](repeating: 0, count: (values.count + 63) >> 6)
        for (row, value) in values.enumerated() where value != nil { validity[row >> 6] |= 1 << UInt64(row & 63) }
        let present = values.compactMap { $0 }
        var writer = IntegerEntryWriter(
            spill: spill, count: values.count, kind: kind, validity: validityAtFinish ? .atFinish : .bits(validity),
            base: present.min() ?? .max, top: present.max() ?? .min, hasDictionary: false
        )
        for start in stride(from: 0, to: values.count, by: 700) {
            let rows = min(700, values.count - start)
            writer.append(rows) { i in
                asked.append(start + i)
                return values[start + i]
            }
        }
        let extents = try XCTUnwrap(writer.finish(validity: validityAtFinish ? validity : nil), file: file, line: line)
        var bytes: [UInt8] = []
        for extent in extents { XCTAssertTrue(spill.read(extent, appendingTo: &bytes), file: file, line: line) }
        return bytes
    }

    private func check(_ values: [Int64?], file: StaticString = #filePath, line: UInt = #line) throws {
        var validity = [UInt64](repeating: 0, count: (values.count + 63) >> 6)
        for (row, value) in values.enumerated() where value != nil { validity[row >> 6] |= 1 << UInt64(row & 63) }
        let wanted = ColumnCacheCodec.encode(values: values.map { $0 ?? 0 }, validity: validity, count: values.count, kind: 1)
        for atFinish in [false, true] {
            var asked: [Int] = []
            XCTAssertEqual(try written(values, kind: 1, validityAtFinish: atFinish, asked: &asked), wanted, file: file, line: line)
            XCTAssertEqual(asked, Array(values.indices), "every row asked, in order", file: file, line: line)
        }
    }

    func testEntriesAreTheCodecsAndEveryRowIsAsked() throws {
        let small: [Int64?] = (0..<2_000).map { (row: Int) -> Int64? in row % 5 == 0 ? nil : Int64(row * 37 % 1_000 - 300) }
        try check(small)
        let wide: [Int64?] = (0..<2_000).map { (row: Int) -> Int64? in row % 3 == 0 ? nil : 4_000_000_000 + Int64(row) }
        try check(wide)
        try check(Array(repeating: 7, count: 1_500))  // every value equal: no value bytes
        try check(Array(repeating: nil, count: 130))  // none valid
        try check([])
    }
}
