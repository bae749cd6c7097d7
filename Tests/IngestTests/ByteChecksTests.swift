import Datasets
@testable import Ingest
import MianshenTesting
import XCTest

/// The validator checks the common cell from its bytes and leaves everything else to the
/// string way (`RowValidator+Bytes`). Both ways must give the same row: the same values, the
/// same quarantine entry, the same warnings, for every field of every schema, on the
/// fixtures (good and bad) and on each of their rows with one cell replaced by an awkward one.
final class ByteChecksTests: XCTestCase {
    /// Cells that sit on an edge of some field's byte check: padding, signs, leading zeros,
    /// fractions, bounds, normalisations (x, landlines, +86), unlisted codes, bad UTF-8.
    static let awkward: [[UInt8]] = [
        "", " ", "\t", "  x ", "0", "-0", "+5", "007", "-12", "12.", ".5", "1.2", "1.234", "12.34", "-0.01",
        "99999999999999999", "999999999999999999", "9999999999999999999", "999999999999999.99", "1000000000000000", "0000000000000001.5", "100000000", "-1", "是", "否", "是 ",
        "\u{3000}是", "是\u{3000}", "\u{FEFF}否", "男", "女", "户主", "其他", "农业", "非农业", "无", "x", "X",
        "2020-02-30", "2020-02-29", "20200229", "2020/02/29", "2020-2-9", "1949-12-31", "410103001", "410103999",
        "410103015", "410199001", "410100001", "320102001", "41010300", "13812345678", "12812345678", "1381234567a",
        "0371-67881234", "037167881234", "+8613812345678", "11010519491231002X", "11010519491231002x",
        "110105194912310021", "41010319900101001X", "91410103MAG9L59XT1", "91410103mag9l59xt1", "C39", "c39", "Z99",
        "企业", "个人", "营业执照", "王芳", "a\tb", String(repeating: "A", count: 30),
    ].map { Array($0.utf8) } + [[0xFF, 0xFE], [0xE6, 0x98], [0x41, 0xC3]]

    func testBothWaysAgreeOnTheFixturesAndOnEveryAwkwardCell() throws {
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let files: [(DatasetKind, [String])] = [
            (.residents, ["residents.csv", "residents_zh.csv", "bad/residents_bad.csv", "bad/residents_reject.csv"]),
            (.enterprises, ["enterprises.csv", "bad/enterprises_bad.csv"]),
            (.licences, ["licences.csv", "bad/licences_bad.csv"]),
        ]
        var compared = 0, fast = 0
        for (kind, names) in files {
            let schema = schemas[kind]
            var byBytes = RowValidator(schema: schema, divisions: schemas.divisions, file: "f.csv")
            var byStrings = byBytes
            byStrings.byteChecksEnabled = false
            let width = schema.fields.count
            for name in names {
                let source = try CSVRecordSource(path: RepositoryPaths.fixture(name), schema: schema)
                var cells = ByteCells()
                var rows: [Int] = []
                while let record = try source.next(into: &cells) {
                    if case .row(let line) = record { rows.append(line) }
                }
                for (r, line) in rows.enumerated() {
                    let (same, wasGood) = agree(&byBytes, &byStrings, cells, from: r * width, line: line)
                    XCTAssertTrue(same, "\(name):\(line)")
                    compared += 1
                    guard wasGood, r < 15 else { continue }
                    // This row with one cell replaced at a time.
                    for field in 0..<width {
                        for cell in Self.awkward {
                            var changed = ByteCells()
                            for f in 0..<width {
                                if f == field {
                                    cell.withUnsafeBufferPointer { changed.append($0) }
                                } else {
                                    copy(cells, r * width + f, into: &changed)
                                }
                            }
                            let (same, good) = agree(&byBytes, &byStrings, changed, from: 0, line: line)
                            XCTAssertTrue(same, "\(name):\(line) \(schema.fields[field].name) = \(String(decoding: cell, as: UTF8.self))")
                            compared += 1
                            if good { fast += 1 }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 20_000, "the comparison ran")
        XCTAssertGreaterThan(fast, 1_000, "rows with awkward cells were also imported, not only rejected")
    }

    /// Validates one row both ways: whether the outcomes are equal, and whether the row was good.
    private func agree(
        _ byBytes: inout RowValidator, _ byStrings: inout RowValidator, _ cells: ByteCells, from first: Int, line: Int
    ) -> (Bool, Bool) {
        // Appended after a batch's earlier values, as the importer validates: the row's own
        // values follow them, and a bad row leaves them as they were.
        let before: [FieldValue] = [.text("前一行"), .integer(7), .null]
        var flat1 = FlatValues(before), flat2 = FlatValues(before)
        var warnings1: [DataWarning] = [], warnings2: [DataWarning] = []
        let entry1 = byBytes.validate(cells, from: first, line: line, appendingTo: &flat1, warnings: &warnings1)
        let entry2 = byStrings.validate(cells, from: first, line: line, appendingTo: &flat2, warnings: &warnings2)
        let values1 = flat1.values(0..<flat1.count), values2 = flat2.values(0..<flat2.count)
        // A bad row's texts are taken back with its cells: no bytes left over.
        let textBytes = values1.reduce(0) { sum, value in
            if case .text(let text) = value { return sum + text.utf8.count }
            return sum
        }
        let same = entry1 == entry2 && warnings1 == warnings2 && values1 == values2 && flat1.bytes.count == textBytes
            && values1.starts(with: before) && (entry1 == nil ? values1.count == before.count + byBytes.schema.fields.count : values1 == before)
        return (same, entry1 == nil)
    }

    private func copy(_ cells: ByteCells, _ index: Int, into out: inout ByteCells) {
        switch cells.kind(index) {
        case .absent: out.appendAbsent()
        case let kind: cells.bytes.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[cells.range(index)]), kind: kind) }
        }
    }

    func testTheFastWayTakesTheCommonCellsAndLeavesTheRest() throws {
        // That both ways agree proves little if the fast way never runs: it must take the
        // cells a clean extract is made of, and leave padded or normalised ones alone.
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let schema = schemas.residents
        let validator = RowValidator(schema: schema, divisions: schemas.divisions, file: "f.csv")
        func takes(_ field: String, _ text: String) -> Bool {
            var values = FlatValues()
            var ids = [ResidentIDNumber.Parts?](repeating: nil, count: schema.fields.count)
            return Array(text.utf8).withUnsafeBufferPointer {
                validator.fast($0, index: schema.index(of: field)!, into: &values, base: 0, parsedIDs: &ids)
            }
        }
        for (field, text) in [
            ("id_number", "11010519491231002X"), ("name", "王芳"), ("gender", "女"), ("birth_date", "1949-12-31"),
            ("hukou_division", "410103001"), ("relation", "户主"), ("phone", "13812345678"), ("alive", "是"),
            ("disability_level", "2"), ("annual_income_yuan", "12000.5"), ("household_id", "H410103000000009"),
        ] {
            XCTAssertTrue(takes(field, text), "\(field) = \(text)")
        }
        for (field, text) in [
            ("id_number", "11010519491231002x"), ("name", " 王芳"), ("gender", "女\u{3000}"), ("birth_date", "1949-12-32"),
            ("hukou_division", "410103999"), ("phone", "0371-67881234"), ("alive", "Y"), ("disability_level", "+2"),
            ("annual_income_yuan", "12000.505"), ("name", ""),
        ] {
            XCTAssertFalse(takes(field, text), "\(field) = \(text)")
        }
    }
}
