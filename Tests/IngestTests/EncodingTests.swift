import Foundation
import Ingest
import MianshenTesting
import XCTest

final class EncodingTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
    }

    func file(_ bytes: [UInt8]) -> String {
        let path = dir.file(UUID().uuidString)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    let text = "身份证号,姓名\n410103195311285423,郑桂芝\n"

    func testDetectionOrderBOMThenUTF8ThenGB18030() throws {
        XCTAssertEqual(try EncodingDetector.detect(path: file([0xEF, 0xBB, 0xBF] + Array(text.utf8))).encoding, .utf8)
        XCTAssertEqual(try EncodingDetector.detect(path: file(Array(text.utf8))).encoding, .utf8)
        XCTAssertEqual(try EncodingDetector.detect(path: file(Transcode.encode(text, to: "GB18030"))).encoding, .gb18030)
        // One damaged cell does not turn a UTF-8 file into GB18030: that cell is quarantined instead.
        XCTAssertEqual(try EncodingDetector.detect(path: file(Array(text.utf8) + [0xFF, 0xFE, 0x0A])).encoding, .utf8)
    }

    /// Reads the whole stream with a tiny output buffer so characters straddle every boundary.
    func readAll(_ stream: any ByteStream, chunk: Int = 8) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    func testGB18030DecodesToUTF8AcrossChunkBoundaries() throws {
        let long = String(repeating: "二七区淮河路街道，郑州市𠀀\n", count: 2000)
        let path = file(Transcode.encode(long, to: "GB18030"))
        let stream = try TranscodingByteStream(source: FileByteStream(path: path), from: .gb18030, path: path)
        XCTAssertEqual(try readAll(stream), Array(long.utf8))
    }

    func testUndecodableSequenceBecomesOneMarkerByteAndTheRestContinues() throws {
        let bytes = Transcode.encode("张三,", to: "GB18030") + [0xFF] + Transcode.encode(",李四\n王五\n", to: "GB18030")
        let path = file(bytes)
        let stream = try TranscodingByteStream(source: FileByteStream(path: path), from: .gb18030, path: path)
        let out = try readAll(stream)
        XCTAssertEqual(out, Array("张三,".utf8) + [0xFF] + Array(",李四\n王五\n".utf8))
    }

    func testGB18030CSVRecordsHaveUTF8CellsAndBadCellsStayPerRow() throws {
        let bytes = Transcode.encode("a,b\n张三,1\n", to: "GB18030") + [0x81, 0x0A] + Transcode.encode("李四,2\n", to: "GB18030")
        let path = file(bytes)
        let input = try TextInput.open(path: path, encoding: .gb18030)
        let reader = CSVReader(stream: input.stream)
        var record = CSVRecord()
        var rows: [[String?]] = []
        while try reader.next(into: &record) {
            rows.append((0..<record.count).map { record.string($0) })
        }
        XCTAssertEqual(rows, [["a", "b"], ["张三", "1"], [nil], ["李四", "2"]])
    }
}
