import Datasets
import Diagnostics
import Foundation
@testable import Ingest
import MianshenTesting
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class XMLRecordSourceTests: XCTestCase {
    struct Outcome {
        var rows: [(line: Int, cells: [RawCell])] = []
        var error: (any Error)?
        var source: XMLRecordSource?

        var ingestError: IngestError? { error as? IngestError }
        var lines: [Int] { rows.map(\.line) }
    }

    /// Opens `path` and reads every record, keeping what came out before any error.
    func readAll(_ path: String, encoding: String? = nil, userMap: [String: String] = [:]) throws -> Outcome {
        let schema = try SchemaLoader.load(directory: RepositoryPaths.schemas).residents
        var outcome = Outcome()
        do {
            let source = try XMLRecordSource(path: path, schema: schema, userMap: userMap, encoding: encoding)
            outcome.source = source
            var cells: [RawCell] = []
            while let record = try source.next(cells: &cells) {
                switch record {
                case .row(let line):
                    XCTAssertEqual(cells.count, schema.fields.count)
                    outcome.rows.append((line, cells))
                case .malformed:
                    XCTFail("an XML reader rejects the whole file rather than single records")
                case .unchanged:
                    XCTFail("no lookup was given")
                }
            }
        } catch {
            outcome.error = error
        }
        return outcome
    }

    /// A residents row: every field empty except `values`, in schema order.
    func row(_ values: [String: String]) throws -> [RawCell] {
        let schema = try SchemaLoader.load(kind: .residents, directory: RepositoryPaths.schemas)
        XCTAssertTrue(values.keys.allSatisfy { schema.index(of: $0) != nil })
        return schema.fields.map { .text(values[$0.name] ?? "") }
    }

    func writeBytes(_ dir: TemporaryDirectory, _ name: String, _ parts: [[UInt8]]) throws -> String {
        let path = dir.file(name)
        try Data(parts.joined()).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: - Good documents

    func testRecordsMapByNameOrAliasWithEmptyMissingAndIgnoredElements() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("residents.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <residents>
              <resident><id_number>410102199001011234</id_number><name>张三</name><gender>男</gender><phone/><备注>x</备注></resident>
              <resident>
                <身份证号>410102199202022345</身份证号>
                <name>李四</name>
                <gender>女</gender>
                <phone></phone>
                <note>ignored</note>
                <备注>again</备注>
              </resident>
              <!-- a comment between records -->
              <resident><id_number> 4101 &amp; 02 </id_number><name>王<![CDATA[五<>]]><b>六</b></name><name>second</name><dibao>是</dibao></resident>
            </residents>

            """)
        let outcome = try readAll(path)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.lines, [3, 4, 13], "the line of each record's start tag")
        XCTAssertEqual(outcome.rows.count, 3)
        guard outcome.rows.count == 3 else { return }
        XCTAssertEqual(outcome.rows[0].cells, try row(["id_number": "410102199001011234", "name": "张三", "gender": "男"]))
        XCTAssertEqual(outcome.rows[1].cells, try row(["id_number": "410102199202022345", "name": "李四", "gender": "女"]),
                       "a Chinese alias maps to its field; empty and missing elements are empty cells")
        XCTAssertEqual(outcome.rows[2].cells, try row(["id_number": " 4101 & 02 ", "name": "王五<>六", "dibao": "是"]),
                       "text, CDATA and nested text concatenated, untrimmed; the first of two name elements wins")
        XCTAssertEqual(outcome.source?.ignoredColumns, ["备注", "note"])
        XCTAssertEqual(outcome.source?.format, "xml")
        XCTAssertEqual(outcome.source?.encoding, "utf-8")
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertGreaterThan(outcome.source?.bytesRead ?? 0, 0)
        XCTAssertLessThanOrEqual(outcome.source?.bytesRead ?? .max, size)
        var cells: [RawCell] = []
        XCTAssertNil(try outcome.source?.next(cells: &cells), "stays at the end")
    }

    func testUserMapAndEmptyRecordAndNoDeclaration() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("r.xml", "<data><row><ZJHM>1</ZJHM></row><row/><row></row></data>")
        let outcome = try readAll(path, userMap: ["ZJHM": "id_number"])
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.lines, [1, 1, 1])
        XCTAssertEqual(outcome.rows.map(\.cells), [try row(["id_number": "1"]), try row([:]), try row([:])])
        XCTAssertEqual(outcome.source?.ignoredColumns, [])
    }

    func testEmptyRootHasNoRecords() throws {
        let dir = try TemporaryDirectory()
        let outcome = try readAll(try dir.write("r.xml", "<?xml version=\"1.0\"?>\n<residents/>\n"))
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.rows.count, 0)
        // Files of at most a few bytes: the parser is created with the first four.
        for text in ["<r/>", "<r></r>", "<r><x/></r>"] {
            let tiny = try readAll(try dir.write("tiny.xml", text))
            XCTAssertNil(tiny.error, text)
            XCTAssertEqual(tiny.rows.count, text == "<r><x/></r>" ? 1 : 0, text)
        }
        guard case .malformedXML? = try readAll(try dir.write("bad.xml", "<r>")).ingestError else {
            return XCTFail("a 3-byte unfinished document is malformed")
        }
        // The first four bytes tell UTF-16 by its byte-order mark.
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<r><x><id_number>张三</id_number></x></r>".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let wide = try readAll(try writeBytes(dir, "utf16.xml", [utf16]))
        XCTAssertNil(wide.error)
        XCTAssertEqual(wide.rows.first?.cells[0], .text("张三"))
        // A UCS-4 mark followed by UTF-8: refused as an error, not a crash.
        let odd = try readAll(try writeBytes(dir, "ucs4.xml", [[0x00, 0x00, 0xFE, 0xFF], Array("<r/>".utf8)]))
        XCTAssertNotNil(odd.ingestError)
    }

    /// libxml2 keeps element lines in 16 bits (65535 for every later line); nightly files are longer.
    func testLinesPast65535AreExact() throws {
        var text = "<?xml version=\"1.0\"?>\r\n<residents>\r\n"
        var line = 3
        var expected: [Int] = []
        var ids: [RawCell] = []
        for i in 0..<22_000 {
            expected.append(line)
            ids.append(.text("\(i)"))
            if i % 3 == 2 { ids.append(.text("x")) }
            switch i % 3 {
            case 0:
                text += "  <resident>\r\n    <id_number>\(i)</id_number>\r\n\r\n    <name>n</name>\r\n  </resident>\r\n"
                line += 5
            case 1:
                text += "  <resident><id_number>\(i)</id_number></resident>\r\n"
                line += 1
            default:
                text += "  <resident><id_number>\(i)</id_number>\n  </resident><resident>\n<id_number>x</id_number></resident>\n\n"
                expected.append(line + 1)
                line += 4
            }
        }
        text += "</residents>\n"
        XCTAssertGreaterThan(line, 70_000)
        let dir = try TemporaryDirectory()
        let outcome = try readAll(try dir.write("big.xml", text))
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.lines.count, expected.count)
        let wrong = zip(outcome.lines, expected).enumerated().filter { $0.element.0 != $0.element.1 }
        XCTAssertTrue(wrong.isEmpty, "first wrong: \(wrong.prefix(3).map { "record \($0.offset): got \($0.element.0), want \($0.element.1)" })")
        // 1.6 MB: records cross the parser's 64 KB chunks and come out whole.
        XCTAssertEqual(outcome.rows.map { $0.cells[0] }, ids)
    }

    // MARK: - Broken documents

    func testDocumentBrokenMidwayThrowsAtTheBreak() throws {
        let pad = "<note>" + String(repeating: "x", count: 1_000) + "</note>"
        let dir = try TemporaryDirectory()
        let path = try dir.write("broken.xml", """
            <?xml version="1.0"?>
            <residents>
              <resident><id_number>1</id_number>\(pad)</resident>
              <resident><id_number>2</id_number>\(pad)</resident>
              <resident><id_number>3</id_number>\(pad)</resident>
              <resident><id_number>4</id_number><phone>1</name></resident>
              <resident><id_number>5</id_number></resident>
            </residents>

            """)
        let outcome = try readAll(path)
        // Every record completed before the break comes out, then the error.
        XCTAssertEqual(outcome.rows.map { $0.cells[0] }, [.text("1"), .text("2"), .text("3")])
        XCTAssertEqual(outcome.lines, [3, 4, 5])
        guard case .malformedXML(let file, let line, let column, let message)? = outcome.ingestError else {
            return XCTFail("expected malformedXML, got \(String(describing: outcome.error))")
        }
        XCTAssertEqual(file, path)
        XCTAssertEqual(line, 6)
        XCTAssertGreaterThan(column, 0)
        XCTAssertTrue(message.contains("开始标签与结束标签不匹配"), message)
        XCTAssertTrue(message.contains("Opening and ending tag mismatch"), message)
        XCTAssertEqual(outcome.ingestError?.category, .dataFormat)
        let entry = try XCTUnwrap(outcome.ingestError?.quarantineEntry)
        XCTAssertEqual(entry.reason, .badXML)
        XCTAssertEqual(entry.line, 6)
        var cells: [RawCell] = []
        XCTAssertNil(try outcome.source?.next(cells: &cells), "nothing more after the break")
    }

    func testTruncatedAndEmptyFilesAreMalformed() throws {
        let dir = try TemporaryDirectory()
        let truncated = try readAll(try dir.write("t.xml", "<residents>\n  <resident><id_number>1</id_number></resident>\n  <resident><id_num"))
        guard case .malformedXML(_, let line, _, _)? = truncated.ingestError else {
            return XCTFail("expected malformedXML, got \(String(describing: truncated.error))")
        }
        XCTAssertEqual(line, 3)
        let empty = try readAll(try dir.write("e.xml", ""))
        guard case .malformedXML(_, 1, 1, let message)? = empty.ingestError else {
            return XCTFail("expected malformedXML, got \(String(describing: empty.error))")
        }
        XCTAssertTrue(message.contains("文件为空"), message)
        let notXML = try readAll(try dir.write("n.xml", "id_number,name\n1,张三\n"))
        guard case .malformedXML? = notXML.ingestError else {
            return XCTFail("expected malformedXML, got \(String(describing: notXML.error))")
        }
    }

    func testMissingFileOrDirectoryCannotBeOpened() throws {
        let dir = try TemporaryDirectory()
        for path in [dir.file("missing.xml"), dir.path] {
            let outcome = try readAll(path)
            guard case .cannotOpen(let file, let reason)? = outcome.ingestError else {
                return XCTFail("expected cannotOpen, got \(String(describing: outcome.error))")
            }
            XCTAssertEqual(file, path)
            XCTAssertFalse(reason.isEmpty)
            XCTAssertEqual(outcome.ingestError?.category, .io)
        }
    }

    // MARK: - Attacks

    func testBillionLaughsIsRefusedWithoutExpansion() throws {
        var dtd = "<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            dtd += " <!ENTITY lol\(level) \"\(String(repeating: "&\(previous);", count: 10))\">\n"
        }
        let dir = try TemporaryDirectory()
        let path = try dir.write("lol.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE residents [
             \(dtd)]>
            <residents>
              <resident><id_number>&lol9;</id_number><name>张三</name></resident>
            </residents>

            """)
        var outcome = Outcome()
        let printed = try capturingStandardError { outcome = try readAll(path) }
        XCTAssertEqual(outcome.rows.count, 0)
        XCTAssertFalse(outcome.rows.contains { $0.cells.contains { "\($0)".contains("lol") } })
        guard case .unsafeXML(_, let line, let column, let message)? = outcome.ingestError else {
            return XCTFail("expected unsafeXML, got \(String(describing: outcome.error))")
        }
        XCTAssertEqual(line, 2, "the DOCTYPE's line")
        XCTAssertGreaterThan(column, 0)
        XCTAssertTrue(message.contains("DOCTYPE"), message)
        XCTAssertEqual(outcome.ingestError?.category, .dataFormat)
        XCTAssertEqual(outcome.ingestError?.quarantineEntry?.reason, .badXML)
        XCTAssertEqual(printed, "", "libxml2 printed nothing")
    }

    func testExternalEntityIsRefusedWithoutLoading() throws {
        let before = XMLRecordSource.externalLoadAttempts
        let dir = try TemporaryDirectory()
        let path = try dir.write("xxe.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <residents>
              <resident><id_number>1</id_number><name>&x;</name></resident>
            </residents>

            """)
        let outcome = try readAll(path)
        guard case .unsafeXML(_, let line, _, _)? = outcome.ingestError else {
            return XCTFail("expected unsafeXML, got \(String(describing: outcome.error))")
        }
        XCTAssertEqual(line, 2)
        XCTAssertEqual(outcome.rows.count, 0)
        XCTAssertFalse(outcome.rows.contains { $0.cells.contains { "\($0)".contains("root:") } })
        XCTAssertEqual(XMLRecordSource.externalLoadAttempts, before, "nothing was even asked for")
    }

    func testExternalDTDIsRefusedWithoutLoading() throws {
        let before = XMLRecordSource.externalLoadAttempts
        let dir = try TemporaryDirectory()
        let dtd = try dir.write("residents.dtd", "<!ELEMENT residents ANY>\n<!ATTLIST resident source CDATA \"dtd\">\n")
        let path = try dir.write("ext.xml", """
            <?xml version="1.0"?>
            <!DOCTYPE residents SYSTEM "\(dtd)">
            <residents>
              <resident><id_number>1</id_number></resident>
            </residents>

            """)
        let outcome = try readAll(path)
        guard case .unsafeXML(_, 2, _, _)? = outcome.ingestError else {
            return XCTFail("expected unsafeXML on line 2, got \(String(describing: outcome.error))")
        }
        XCTAssertEqual(outcome.rows.count, 0)
        XCTAssertEqual(XMLRecordSource.externalLoadAttempts, before, "the DTD was not loaded")
    }

    func testEntityReferenceWithoutDTDIsRefused() throws {
        let dir = try TemporaryDirectory()
        let outcome = try readAll(try dir.write("e.xml", "<residents>\n<resident>\n<name>&foo;</name></resident></residents>\n"))
        guard case .unsafeXML(_, 3, _, let message)? = outcome.ingestError else {
            return XCTFail("expected unsafeXML on line 3, got \(String(describing: outcome.error))")
        }
        XCTAssertTrue(message.contains("实体"), message)
    }

    func testRefusingLoaderIsInstalled() throws {
        let dir = try TemporaryDirectory()
        let target = try dir.write("secret.txt", "root:x:0:0\n")
        _ = try readAll(try dir.write("ok.xml", "<r/>"))
        let before = XMLRecordSource.externalLoadAttempts
        XCTAssertFalse(XMLExternalEntityGuard.probe(url: target), "the loader hands nothing back")
        XCTAssertFalse(XMLExternalEntityGuard.probe(url: "file://" + target))
        XCTAssertEqual(XMLRecordSource.externalLoadAttempts, before + 2, "and counts each attempt")
    }

    // MARK: - Encodings

    /// "张三" in GB18030.
    let zhangSan: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD]

    func testGB18030DeclaredOrPassedIn() throws {
        let dir = try TemporaryDirectory()
        let body = Array("<residents>\n  <resident><id_number>1</id_number><name>".utf8)
        let tail = Array("</name></resident>\n</residents>\n".utf8)
        let declared = try writeBytes(dir, "declared.xml", [
            Array("<?xml version=\"1.0\" encoding=\"GB18030\"?>\n".utf8), body, zhangSan, tail,
        ])
        let outcome = try readAll(declared)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.rows.first?.cells[1], .text("张三"))
        XCTAssertEqual(outcome.lines, [3])
        XCTAssertEqual(outcome.source?.encoding, "gb18030")

        let undeclared = try writeBytes(dir, "undeclared.xml", [body, zhangSan, tail])
        let passed = try readAll(undeclared, encoding: "GB18030")
        XCTAssertNil(passed.error)
        XCTAssertEqual(passed.rows.first?.cells[1], .text("张三"))
        XCTAssertEqual(passed.lines, [2])
        XCTAssertEqual(passed.source?.encoding, "gb18030")

        // Read as UTF-8 (the default), the same bytes are not valid: fatal in libxml2.
        let asUTF8 = try readAll(undeclared)
        guard case .malformedXML(_, 2, let column, let message)? = asUTF8.ingestError else {
            return XCTFail("expected malformedXML on line 2, got \(String(describing: asUTF8.error))")
        }
        XCTAssertGreaterThan(column, 0)
        XCTAssertTrue(message.contains("编码"), message)
    }

    func testBytesInvalidInTheDeclaredEncodingAreMalformedAndSilent() throws {
        let dir = try TemporaryDirectory()
        let path = try writeBytes(dir, "bad.xml", [
            Array("<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<residents>\n<resident><name>".utf8), zhangSan,
            Array("</name></resident>\n<resident><name>".utf8), [0x81, 0x20, 0xFF],
            Array("</name></resident>\n</residents>\n".utf8),
        ])
        var outcome = Outcome()
        let printed = try capturingStandardError { outcome = try readAll(path) }
        guard case .malformedXML(_, let line, let column, let message)? = outcome.ingestError else {
            return XCTFail("expected malformedXML, got \(String(describing: outcome.error))")
        }
        XCTAssertGreaterThan(line, 0)
        XCTAssertGreaterThan(column, 0)
        XCTAssertTrue(message.contains("编码"), message)
        XCTAssertFalse(outcome.rows.contains { $0.cells[1] != .text("张三") }, "nothing garbled came out")
        XCTAssertEqual(printed, "", "libxml2 printed nothing")
    }

    func testUnknownEncodingNameIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("r.xml", "<r/>")
        var outcome = Outcome()
        let printed = try capturingStandardError { outcome = try readAll(path, encoding: "NO-SUCH-ENCODING") }
        XCTAssertEqual(printed, "")
        guard case .undecodableFile(_, "NO-SUCH-ENCODING")? = outcome.ingestError else {
            return XCTFail("expected undecodableFile, got \(String(describing: outcome.error))")
        }
    }

    // MARK: - Helpers

    /// Runs `body` with file descriptor 2 redirected to a file, and returns what was written.
    func capturingStandardError(_ body: () throws -> Void) throws -> String {
        let dir = try TemporaryDirectory()
        let path = dir.file("stderr.txt")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        fflush(nil)
        let saved = dup(2)
        dup2(handle.fileDescriptor, 2)
        defer {
            fflush(nil)
            dup2(saved, 2)
            close(saved)
            try? handle.close()
        }
        try body()
        fflush(nil)
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
