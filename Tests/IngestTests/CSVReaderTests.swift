import Foundation
import Diagnostics
import Ingest
import MianshenTesting
import XCTest

final class CSVReaderTests: XCTestCase {
    /// Reads every record of `bytes` with a tiny chunk size, so records cross chunk boundaries.
    func records(_ bytes: [UInt8], chunkSize: Int = 16) throws -> [(line: Int, cells: [String])] {
        let dir = try TemporaryDirectory()
        let path = dir.file("t.csv")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let reader = try CSVReader(path: path, chunkSize: chunkSize)
        var record = CSVRecord()
        var out: [(Int, [String])] = []
        while try reader.next(into: &record) {
            out.append((record.startLine, (0..<record.count).map { record.string($0) ?? "<invalid>" }))
        }
        return out
    }

    func records(_ text: String, chunkSize: Int = 16) throws -> [(line: Int, cells: [String])] {
        try records(Array(text.utf8), chunkSize: chunkSize)
    }

    func testQuotedFieldsWithCommasQuotesAndNewlines() throws {
        let rows = try records("a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\"\n2,\"two\nlines\",z\n3,q,r\n")
        XCTAssertEqual(rows.map(\.cells), [
            ["a", "b", "c"], ["1", "x, y", "he said \"hi\""], ["2", "two\nlines", "z"], ["3", "q", "r"],
        ])
        XCTAssertEqual(rows.map(\.line), [1, 2, 3, 5], "a record after a two-line record starts on line 5")
    }

    func testCRLFBomBlankLinesAndEmptyCells() throws {
        let rows = try records([0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,\r\n\r\n,2\r\n\n".utf8))
        XCTAssertEqual(rows.map(\.cells), [["a", "b"], ["1", ""], ["", "2"]])
        XCTAssertEqual(rows.map(\.line), [1, 2, 4])
    }

    func testTruncatedLastLineIsAShortRecord() throws {
        let rows = try records("a,b,c\n1,2,3\n4,5")
        XCTAssertEqual(rows.last?.cells, ["4", "5"])
        XCTAssertEqual(rows.last?.line, 3)
    }

    func testUnclosedQuoteSwallowsTheRestIntoOneRecordUnlessTheCallerResumes() throws {
        let rows = try records("a,b\n\"open,1\n2,3\n")
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[1].cells.count, 1)
        XCTAssertEqual(rows[1].line, 2)
    }

    /// Reads like `records`, but resumes after the first line of any record with `expected`
    /// cells wrongly that ran on inside quotes (what CSVRecordSource does); such lines read "!".
    func resumed(_ text: String, expected: Int, chunkSize: Int = 16) throws -> [String] {
        let dir = try TemporaryDirectory()
        let path = try dir.write("t.csv", text)
        let reader = try CSVReader(path: path, chunkSize: chunkSize)
        var record = CSVRecord()
        var out: [String] = []
        while try reader.next(into: &record) {
            if record.count != expected, let open = record.openQuoteField, reader.resumeAfterFirstLine(of: record) {
                out.append("\(record.startLine)!\(open)")
                continue
            }
            out.append("\(record.startLine):" + (0..<record.count).map { record.string($0) ?? "?" }.joined(separator: "|"))
        }
        return out
    }

    func testAStrayQuoteCostsItsLineAndReadingResumesAtTheNext() throws {
        for chunk in [16, 1 << 20] {
            XCTAssertEqual(try resumed("a,b,c\n1,\"open,x\n2,y,z\n\"q\",r,s\n5,t,u", expected: 3, chunkSize: chunk), [
                "1:a|b|c", "2!1", "3:2|y|z", "4:q|r|s", "5:5|t|u",
            ], "chunk \(chunk): the stray quote on line 2 is closed by line 4's quote; lines 3 and 4 still read")
        }
        // Two stray quotes in a row each cost one line.
        XCTAssertEqual(try resumed("a,b\n\"x,1\n\"y\n3,4\n", expected: 2), ["1:a|b", "2!0", "3!0", "4:3|4"])
    }

    func testALegitimateMultiLineCellIsOneRecord() throws {
        XCTAssertEqual(try resumed("a,b,c\n1,\"two\nlines\",z\n3,q,r\n", expected: 3), [
            "1:a|b|c", "2:1|two\nlines|z", "4:3|q|r",
        ])
    }

    func testATruncatedLastRecordInsideQuotesCostsItsLines() throws {
        // The file ends inside a quoted cell: line 3 is quarantined, then line 4 (a short record).
        XCTAssertEqual(try resumed("a,b,c\n1,2,3\n4,\"cut\noff", expected: 3), ["1:a|b|c", "2:1|2|3", "3!1", "4:off"])
        XCTAssertEqual(try resumed("a,b,c\n1,2,3\n4,\"cut", expected: 3), ["1:a|b|c", "2:1|2|3", "3:4|cut"])
    }

    func testInvalidUTF8StaysInItsCell() throws {
        let rows = try records(Array("a,b\n".utf8) + [0x41, 0xFF, 0xFE] + Array(",ok\n".utf8))
        XCTAssertEqual(rows[1].cells, ["<invalid>", "ok"])
    }

    func testLargeChunksGiveTheSameRecords() throws {
        let text = (0..<500).map { "\($0),\"v\($0),x\",\($0 * 2)" }.joined(separator: "\n")
        let small = try records(text, chunkSize: 16)
        let large = try records(text, chunkSize: 1 << 20)
        XCTAssertEqual(small.map(\.cells), large.map(\.cells))
        XCTAssertEqual(small.count, 500)
    }

    func testPlainLinesReadWholeGiveWhatByteByByteReadingGives() throws {
        // A plain line (no quote) whole in the buffer is copied at once; in 7-byte chunks almost
        // every line crosses a chunk's end and is read byte by byte. Random lines mixing both
        // kinds, CRLF and CR inside cells, blank lines, empty cells, Chinese and invalid bytes.
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = ["a", "王芳", "", "12.5", "\r", " ", "\"q\"", "\"x,\ny\"", "1\"2", "h\"\"i"].map { Array($0.utf8) }
            + [[0xFF], [0x0D]]
        for _ in 0..<20 {
            var bytes: [UInt8] = []
            for _ in 0..<200 {
                let cells = Int.random(in: 1...6, using: &generator)
                for c in 0..<cells {
                    if c > 0 { bytes.append(0x2C) }
                    for _ in 0..<Int.random(in: 0...3, using: &generator) {
                        bytes += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
                    }
                }
                bytes += Bool.random(using: &generator) ? [0x0A] : [0x0D, 0x0A]
                if Int.random(in: 0..<10, using: &generator) == 0 { bytes.append(0x0A) }
            }
            let small = try records(bytes, chunkSize: 7)
            let large = try records(bytes, chunkSize: 1 << 20)
            XCTAssertEqual(small.map(\.cells), large.map(\.cells))
            XCTAssertEqual(small.map(\.line), large.map(\.line))
        }
    }

    func testMissingFileIsAnIOError() {
        XCTAssertThrowsError(try CSVReader(path: "/nonexistent/x.csv")) { error in
            XCTAssertEqual((error as? IngestError)?.category, .io)
        }
    }
}
