internal import CLibXML2
public import Datasets
internal import Foundation
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Streams records out of an XML document with libxml2's SAX2 push parser, fed 64 KB at a
/// time, so memory stays flat whatever the file size. SAX2 builds no node: libxml2's text
/// reader (before) made and freed a node per element, four per field, and was the XML import's
/// bottleneck (perf: its reading thread 2× the CSV reader's at 1 M residents).
///
/// Shape: `<residents><resident><id_number>…</id_number>…</resident>…</residents>`. Every
/// element at depth 1 is a record (the root's name is not checked); its child elements are
/// fields, named as the schema's fields, labels or aliases, or through the user's map. A
/// field's value is all the text and CDATA inside its element, untrimmed; a field element that
/// is missing or empty gives an empty cell; when one occurs twice, the first counts. Other
/// element names are reported in `ignoredColumns`; attributes are ignored. A record's line is
/// the line its start tag ends on.
///
/// Safety, by construction: no option that substitutes entities or loads or applies a DTD is
/// ever set, no SAX handler resolves an entity (`getEntity` is unset), network access is off,
/// and the parser is stopped at a DOCTYPE or an entity reference (`IngestError.unsafeXML`)
/// before any record after it is handed out. A process-wide external entity loader refuses
/// every load as a second line of defence.
///
/// A document that stops being well-formed throws `IngestError.malformedXML` from the `next`
/// call after the last record completed before the break; the whole file is then rejected by
/// the importer. Bytes that are not valid in the document's encoding are fatal in libxml2
/// too: they are reported as malformedXML like any other break.
public final class XMLRecordSource: RecordSource {
    public let format = "xml"
    /// The encoding passed in, else the one the XML declaration names, else utf-8; lowercased.
    public private(set) var encoding: String
    /// Element names that matched no schema field, each once, in order of first appearance
    /// (at most `maxIgnoredColumns` of them).
    public private(set) var ignoredColumns: [String] = []

    private let parser: xmlParserCtxtPtr
    private let session: XMLReaderSession
    private let names: FieldNameResolver
    private let fieldCount: Int
    private let file: String
    private let fileSize: Int
    private let descriptor: Int32
    private var chunk: [UInt8]
    /// Bytes handed to the parser so far.
    private var fed = 0
    /// The parser has seen the end of the file, or stopped: nothing more will be parsed.
    private var parsed = false
    /// Why the parser stopped, thrown once the records completed before it are handed out.
    private var failure: IngestError?
    private var finished = false

    /// Element names already resolved, end to end as bytes (`nameStarts[k] ..< nameStarts[k + 1]`),
    /// with their fields: an element is matched by comparing its bytes where libxml2 holds them,
    /// starting after the last match (fields come in order), with no `String` and no hashing
    /// per element (18 per record).
    private var nameBytes: [UInt8] = []
    private var nameStarts: [Int] = [0]
    private var nameFields: [Int?] = []
    /// Where libxml2 last held each name: its SAX2 names come from the parser's dictionary, one
    /// copy per distinct name for the parser's life, so an element named as the last one with
    /// that pointer is matched without reading its bytes (a `strlen` and a `memcmp` per element
    /// were 4 % of an XML import's CPU in perf).
    private var namePointers: [UnsafePointer<xmlChar>?] = []
    private var nextName = 0

    // The parse, as SAX2 reports it.
    /// Open elements (the root is at depth 0, records at 1, fields at 2).
    private var depth = 0
    private var sawRoot = false
    private var inRecord = false
    private var recordLine = 0
    private var seen: [Bool]
    /// The field whose element is open, and where its text starts in `recordBytes`.
    private var field: Int?
    private var fieldStart = 0
    /// The record being read: its cell texts, one after another as libxml2 gave them, and where
    /// each field's is (empty when the record has no element for it).
    private var recordBytes: [UInt8] = []
    private var fieldRanges: [Range<Int>]
    /// Records completed by the last chunk and not yet handed out: their bytes end to end
    /// (`doneStarts`), `fieldCount` ranges each (relative to the record's bytes), their lines.
    private var doneBytes: [UInt8] = []
    private var doneStarts: [Int] = [0]
    private var doneRanges: [Range<Int>] = []
    private var doneLines: [Int] = []
    private var nextDone = 0

    static let maxIgnoredColumns = 200
    private static let maxCachedNames = 1_000
    private static let chunkSize = 64 * 1024

    /// The parser options. Never `XML_PARSE_NOENT` (substitute entities), `DTDLOAD`, `DTDATTR`,
    /// `DTDVALID` (load or apply a DTD) or `HUGE` (lift libxml2's own size limits).
    static let options = Int32(bitPattern:
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_BIG_LINES.rawValue
    )

    /// How many times libxml2 asked the refusing loader for an external resource, process-wide.
    static var externalLoadAttempts: Int { XMLExternalEntityGuard.attempts }

    /// Opens `path` and reads up to the root element. `encoding` (an iconv name such as
    /// `GB18030`) overrides the XML declaration; without it the declaration, a byte-order mark
    /// or UTF-8 applies. Throws `cannotOpen` for a missing or unreadable file,
    /// `undecodableFile` for an encoding libxml2 does not know, and `unsafeXML` or
    /// `malformedXML` when the prolog already shows the document cannot be used.
    public init(path: String, schema: Schema, userMap: [String: String] = [:], encoding: String? = nil) throws {
        _ = XMLExternalEntityGuard.installed
        names = try FieldNameResolver(schema: schema, userMap: userMap, path: path)
        fieldCount = schema.fields.count
        seen = Array(repeating: false, count: schema.fields.count)
        fieldRanges = Array(repeating: 0..<0, count: schema.fields.count)
        file = path
        let (fd, size) = try Self.openReadable(path)
        var closeOnFailure = true
        defer { if closeOnFailure { close(fd) } }
        let session = XMLReaderSession()
        var handler: xmlCharEncodingHandlerPtr?
        if let encoding {
            handler = session.active { xmlFindCharEncodingHandler(encoding) }
            guard handler != nil else { throw IngestError.undecodableFile(path: path, encoding: encoding) }
        }
        // As libxml2's own readers do: the first four bytes let the parser tell a byte-order
        // mark or UTF-16 before anything else is pushed.
        var buffer = Array(repeating: UInt8(0), count: Self.chunkSize)
        let first = try Self.fill(&buffer, from: fd, path: path)
        var sax = Self.handlers()
        let head = min(first, 4)
        let created = session.active {
            buffer.withUnsafeBufferPointer { bytes in
                bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }.flatMap {
                    xmlCreatePushParserCtxt(&sax, session.context, $0, Int32(head), path)
                }
            }
        }
        guard let created else {
            if let handler { xmlCharEncCloseFunc(handler) }
            throw IngestError.cannotOpen(path: path, reason: session.decisive?.message ?? "libxml2 无法打开该文件")
        }
        descriptor = fd
        fileSize = size
        chunk = buffer
        self.session = session
        parser = created
        self.encoding = encoding?.lowercased() ?? "utf-8"
        closeOnFailure = false
        xmlCtxtUseOptions(parser, Self.options)
        if let handler { session.active { _ = xmlSwitchToEncoding(parser, handler) } }
        session.source = Unmanaged.passUnretained(self)
        fed = head
        try push(Array(chunk[head..<first]), last: first == 0)
        while !sawRoot, !parsed { try push(nil, last: false) }
        if !sawRoot, let failure {
            finished = true
            throw failure
        }
        if encoding == nil, let declared = parser.pointee.encoding ?? parser.pointee.input?.pointee.encoding {
            self.encoding = String(cString: declared).lowercased()
        }
    }

    deinit {
        xmlFreeParserCtxt(parser)
        close(descriptor)
    }

    public var bytesRead: Int { fed }

    /// The record's cells as bytes, no string per cell (the validators make the ones they keep).
    public func next(into cells: inout ByteCells) throws -> SourceRecord? {
        while nextDone == doneLines.count {
            if let failure {
                self.failure = nil
                finished = true
                throw failure
            }
            guard !finished, !parsed else { return nil }
            try push(nil, last: false)
        }
        let k = nextDone
        nextDone += 1
        doneBytes.withUnsafeBufferPointer { bytes in
            cells.append(
                record: UnsafeBufferPointer(rebasing: bytes[doneStarts[k]..<doneStarts[k + 1]]),
                ranges: doneRanges[(k * fieldCount)..<((k + 1) * fieldCount)]
            )
        }
        return .row(line: doneLines[k])
    }

    // MARK: - Parsing

    /// Hands the parser `bytes`, or else the file's next chunk (the last, empty one ends the
    /// document), after forgetting the records already handed out. Notes the failure, if the
    /// parser stopped on one.
    private func push(_ bytes: [UInt8]?, last: Bool) throws {
        doneBytes.removeAll(keepingCapacity: true)
        doneStarts.removeAll(keepingCapacity: true)
        doneStarts.append(0)
        doneRanges.removeAll(keepingCapacity: true)
        doneLines.removeAll(keepingCapacity: true)
        nextDone = 0
        var count = bytes?.count ?? 0
        var terminate = last
        if bytes == nil {
            count = try Self.fill(&chunk, from: descriptor, path: file)
            terminate = count == 0
        }
        fed += count
        let code = session.active {
            (bytes ?? chunk).withUnsafeBufferPointer { buffer in
                // No bytes (a file of at most four, or the end): a null chunk, as libxml2 asks.
                let start = count > 0 ? buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } : nil
                return xmlParseChunk(parser, start, Int32(count), terminate ? 1 : 0)
            }
        }
        if code != 0 || parser.pointee.wellFormed == 0 {
            parsed = true
            failure = failure ?? describeFailure()
        } else if terminate {
            parsed = true
        }
    }

    /// The SAX2 handlers: elements, text and the two things refused. Nothing that builds a
    /// tree, resolves an entity or reads a DTD.
    private static func handlers() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { context, name, _, _, _, _, _, _, _ in
            XMLRecordSource.withSource(context) { $0.startElement(name) }
        }
        sax.endElementNs = { context, _, _, _ in
            XMLRecordSource.withSource(context) { $0.endElement() }
        }
        sax.characters = { context, text, length in
            XMLRecordSource.withSource(context) { $0.text(text, Int(length)) }
        }
        sax.ignorableWhitespace = sax.characters
        sax.cdataBlock = sax.characters
        sax.internalSubset = { context, _, _, _ in
            XMLRecordSource.withSource(context) { $0.refuseDoctype() }
        }
        sax.reference = { context, name in
            XMLRecordSource.withSource(context) { $0.refuseReference(name) }
        }
        sax.serror = { context, error in
            guard let context, let error else { return }
            Unmanaged<XMLReaderSession>.fromOpaque(context).takeUnretainedValue().record(error)
        }
        return sax
    }

    /// Calls `body` with the source a callback is for, if it is known yet. Every callback's
    /// context is the parser's `userData`, the session, from the moment the parser is created (an
    /// error while it is created is kept too); the session knows its source once that is whole,
    /// before the first byte is parsed. Both are reached without a retain and a release: taken as
    /// strong references, about 75 callbacks a record retained and released each, a fifth of the
    /// XML reading thread's time (perf, 1 M residents), and that thread is the XML import's
    /// bottleneck. Neither can go while the parser calls back: the source owns the session and
    /// frees the parser before it goes.
    @inline(__always)
    private static func withSource(_ context: UnsafeMutableRawPointer?, _ body: (XMLRecordSource) -> Void) {
        guard let context else { return }
        Unmanaged<XMLReaderSession>.fromOpaque(context)._withUnsafeGuaranteedRef { session in
            session.source?._withUnsafeGuaranteedRef(body)
        }
    }

    private func startElement(_ name: UnsafePointer<xmlChar>?) {
        defer { depth += 1 }
        switch depth {
        case 0:
            sawRoot = true
        case 1:
            inRecord = true
            recordLine = max(1, Int(parser.pointee.input?.pointee.line ?? 1))
            recordBytes.removeAll(keepingCapacity: true)
            for i in 0..<fieldCount { fieldRanges[i] = 0..<0 }
            for i in 0..<fieldCount { seen[i] = false }
        case 2 where inRecord:
            guard let index = currentField(name), !seen[index] else { return }
            seen[index] = true
            field = index
            fieldStart = recordBytes.count
        default:
            break
        }
    }

    private func endElement() {
        depth -= 1
        switch depth {
        case 1 where inRecord:
            inRecord = false
            doneBytes.append(contentsOf: recordBytes)
            doneStarts.append(doneBytes.count)
            doneRanges.append(contentsOf: fieldRanges)
            doneLines.append(recordLine)
        case 2:
            if let open = field {
                fieldRanges[open] = fieldStart..<recordBytes.count
                field = nil
            }
        default:
            break
        }
    }

    private func text(_ text: UnsafePointer<xmlChar>?, _ length: Int) {
        guard field != nil, let text, length > 0 else { return }
        recordBytes.append(contentsOf: UnsafeBufferPointer(start: text, count: length))
    }

    /// A DOCTYPE: noted where it is, and the parse stopped before its DTD is read.
    private func refuseDoctype() {
        session.noteDoctype(line: parserPosition().line, column: parserPosition().column)
        xmlStopParser(parser)
    }

    /// An entity reference libxml2 did not resolve itself (it resolves only the five predefined
    /// entities and character references): the parse stops there.
    private func refuseReference(_ name: UnsafePointer<xmlChar>?) {
        session.noteReference(name.map { String(cString: $0) } ?? "", line: parserPosition().line, column: parserPosition().column)
        xmlStopParser(parser)
    }

    /// The schema field an element name stands for (see `nameBytes`).
    private func currentField(_ name: UnsafePointer<xmlChar>?) -> Int? {
        guard let name else { return fieldIndex(named: "") }
        let known = nameFields.count
        for step in 0..<known {
            let k = (nextName + step) % known
            if namePointers[k] == name {
                nextName = k + 1
                return nameFields[k]
            }
        }
        let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        let found = nameBytes.withUnsafeBufferPointer { bytes -> Int? in
            for step in 0..<known {
                let k = (nextName + step) % known
                let start = nameStarts[k]
                guard nameStarts[k + 1] - start == length else { continue }
                if length == 0 { return k }
                if let base = bytes.baseAddress, memcmp(base + start, name, length) == 0 { return k }
            }
            return nil
        }
        if let found {
            namePointers[found] = name
            nextName = found + 1
            return nameFields[found]
        }
        let index = fieldIndex(named: String(cString: name))
        if known < Self.maxCachedNames {
            nameBytes.append(contentsOf: UnsafeBufferPointer(start: name, count: length))
            nameStarts.append(nameBytes.count)
            nameFields.append(index)
            namePointers.append(name)
            nextName = known + 1
        }
        return index
    }

    /// The schema field an element name stands for (asked once per name while `nameBytes` has
    /// room); unknown names are noted once.
    private func fieldIndex(named name: String) -> Int? {
        let index = names.field(for: name)
        if index == nil, ignoredColumns.count < Self.maxIgnoredColumns, !ignoredColumns.contains(name) {
            ignoredColumns.append(name)
        }
        return index
    }

    // MARK: - Errors

    private static let allowedReferences = "只接受 &amp; &lt; &gt; &quot; &apos; 和 &#数字; 这类字符引用。"

    private func doctypeRefusal(detail: String?) -> IngestError {
        let (line, column) = session.doctype ?? parserPosition()
        var message = "文件含有 DOCTYPE 声明（DTD），DTD 可用于实体展开攻击（“十亿笑”）或读取外部文件（XXE）。"
            + "请导出不含 DOCTYPE 的文件。"
        if let detail { message += "（libxml2：\(detail)）" }
        return IngestError.unsafeXML(path: file, line: line, column: column, message: message)
    }

    /// Why the parser stopped.
    private func describeFailure() -> IngestError {
        let report = session.decisive
        if session.doctype != nil { return doctypeRefusal(detail: nil) }
        if let reference = session.reference {
            return IngestError.unsafeXML(
                path: file, line: reference.line, column: reference.column,
                message: "文件中有实体引用 &\(reference.name);。\(Self.allowedReferences)"
            )
        }
        if fileSize == 0 {
            return IngestError.malformedXML(path: file, line: 1, column: 1, message: "文件为空（0 字节），不是 XML 文档。")
        }
        var (line, column) = parserPosition()
        if let report, report.line > 0 {
            line = report.line
            column = max(report.column, 1)
        }
        guard let report else {
            return IngestError.malformedXML(path: file, line: line, column: column, message: "XML 解析器在此处停止，未说明原因。")
        }
        if Self.entityErrors.contains(report.code) {
            return IngestError.unsafeXML(
                path: file, line: line, column: column,
                message: "文件中有实体引用。\(Self.allowedReferences)（libxml2：\(report.message)）"
            )
        }
        return IngestError.malformedXML(
            path: file, line: line, column: column,
            message: "\(Self.explain(report.code))（libxml2：\(report.message)）"
        )
    }

    private func parserPosition() -> (line: Int, column: Int) {
        guard let input = parser.pointee.input else { return (1, 1) }
        return (max(1, Int(input.pointee.line)), max(1, Int(input.pointee.col)))
    }

    /// Error codes that mean the document uses entities (libxml2's xmlParserErrors).
    private static let entityErrors: Set<Int32> = [
        Int32(bitPattern: XML_ERR_UNDECLARED_ENTITY.rawValue),
        Int32(bitPattern: XML_WAR_UNDECLARED_ENTITY.rawValue),
        Int32(bitPattern: XML_ERR_ENTITY_LOOP.rawValue),
        Int32(bitPattern: XML_ERR_ENTITYREF_IN_PROLOG.rawValue),
        Int32(bitPattern: XML_ERR_ENTITYREF_IN_EPILOG.rawValue),
    ]

    /// A plain-language reason for the common libxml2 errors.
    private static func explain(_ code: Int32) -> String {
        switch UInt32(bitPattern: code) {
        case XML_ERR_TAG_NAME_MISMATCH.rawValue:
            "开始标签与结束标签不匹配"
        case XML_ERR_TAG_NOT_FINISHED.rawValue:
            "文件在元素未闭合时结束（可能被截断）"
        case XML_ERR_DOCUMENT_EMPTY.rawValue, XML_ERR_DOCUMENT_START.rawValue:
            "文件没有 XML 内容"
        case XML_ERR_DOCUMENT_END.rawValue, XML_ERR_EXTRA_CONTENT.rawValue:
            "根元素之外还有内容，或文件不是 XML"
        case XML_ERR_INVALID_CHAR.rawValue, XML_ERR_INVALID_ENCODING.rawValue, XML_I18N_CONV_FAILED.rawValue,
             XML_IO_ENCODER.rawValue:
            "有不符合文件编码的字节或 XML 不允许的字符（未声明编码时按 UTF-8 读取；"
                + "GB18030 文件请在 XML 声明中写明 encoding=\"GB18030\" 或导入时指定编码）"
        case XML_ERR_UNKNOWN_ENCODING.rawValue, XML_ERR_UNSUPPORTED_ENCODING.rawValue:
            "XML 声明中的编码不受支持"
        default:
            "不是格式正确的 XML"
        }
    }

    /// The open file and its size; throws `cannotOpen` when it is missing, unreadable or a
    /// directory.
    private static func openReadable(_ path: String) throws -> (Int32, Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            let reason = switch code {
            case ENOENT: "文件不存在"
            case EACCES: "没有读取权限"
            default: String(cString: strerror(code))
            }
            throw IngestError.cannotOpen(path: path, reason: reason)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw IngestError.cannotOpen(path: path, reason: reason)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw IngestError.cannotOpen(path: path, reason: "这是一个目录，不是文件")
        }
        return (fd, Int(info.st_size))
    }

    /// Fills `buffer` from the file as far as it goes; the count read (0 at the end).
    private static func fill(_ buffer: inout [UInt8], from fd: Int32, path: String) throws -> Int {
        try buffer.withUnsafeMutableBytes { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            var count = 0
            while count < bytes.count {
                let n = read(fd, base + count, bytes.count - count)
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IngestError.readFailed(path: path, reason: String(cString: strerror(errno)))
                }
                count += n
            }
            return count
        }
    }
}
