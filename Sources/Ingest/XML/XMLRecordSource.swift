internal import CLibXML2
public import Datasets
internal import Foundation
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Streams records out of an XML document with libxml2's text reader, so memory stays flat
/// whatever the file size.
///
/// Shape: `<residents><resident><id_number>…</id_number>…</resident>…</residents>`. Every
/// element at depth 1 is a record (the root's name is not checked); its child elements are
/// fields, named as the schema's fields, labels or aliases, or through the user's map. A
/// field's value is all the text and CDATA inside its element, untrimmed; a field element that
/// is missing or empty gives an empty cell; when one occurs twice, the first counts. Other
/// element names are reported in `ignoredColumns`; attributes are ignored.
///
/// Safety, by construction: no option that substitutes entities or loads or applies a DTD is
/// ever set, network access is off, and a document with a DOCTYPE or an entity reference is
/// refused (`IngestError.unsafeXML`) before any record after it is handed out. A process-wide
/// external entity loader refuses every load as a second line of defence.
///
/// A document that stops being well-formed throws `IngestError.malformedXML` from the `next`
/// call that meets the break; the whole file is then rejected by the importer. libxml2 parses
/// ahead of what it hands out by up to a 512-byte chunk and discards what it had not yet handed
/// out when it fails, so the records just before the break may never be returned. Bytes that
/// are not valid in the document's encoding are fatal in libxml2 too: they are reported as
/// malformedXML like any other break.
public final class XMLRecordSource: RecordSource {
    public let format = "xml"
    /// The encoding passed in, else the one the XML declaration names, else utf-8; lowercased.
    public private(set) var encoding: String
    /// Element names that matched no schema field, each once, in order of first appearance
    /// (at most `maxIgnoredColumns` of them).
    public private(set) var ignoredColumns: [String] = []

    private let reader: OpaquePointer
    private let session: XMLReaderSession
    private let names: FieldNameResolver
    private let fieldCount: Int
    private let file: String
    private let fileSize: Int
    /// Element names already resolved, end to end as bytes (`nameStarts[k] ..< nameStarts[k + 1]`),
    /// with their fields: an element is matched by comparing its bytes where libxml2 holds them,
    /// starting after the last match (fields come in order), with no `String` and no hashing
    /// per element (18 per record: this was a fifth of the XML reader thread, the import's
    /// bottleneck).
    private var nameBytes: [UInt8] = []
    private var nameStarts: [Int] = [0]
    private var nameFields: [Int?] = []
    private var nextName = 0
    private var seen: [Bool]
    /// The current record's cell texts, one after another as libxml2 gave them, and where each
    /// field's is (empty when the record has no element for it).
    private var recordBytes: [UInt8] = []
    private var fieldRanges: [Range<Int>]
    private var finished = false

    static let maxIgnoredColumns = 200
    private static let maxCachedNames = 1_000

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
        fileSize = try Self.checkReadable(path)
        let session = XMLReaderSession()
        self.session = session
        if let encoding {
            let known = session.active { () -> Bool in
                guard let handler = xmlFindCharEncodingHandler(encoding) else { return false }
                xmlCharEncCloseFunc(handler)
                return true
            }
            guard known else { throw IngestError.undecodableFile(path: path, encoding: encoding) }
        }
        let opened = session.active { xmlReaderForFile(path, encoding, Self.options) }
        guard let opened else {
            throw IngestError.cannotOpen(path: path, reason: session.decisive?.message ?? "libxml2 无法打开该文件")
        }
        reader = opened
        session.reader = opened
        self.encoding = encoding?.lowercased() ?? "utf-8"
        xmlTextReaderSetStructuredErrorHandler(reader, XMLReaderSession.errorHandler, session.context)
        // The options already leave these off; say so again in case some code in the process
        // changed libxml2's per-thread defaults (xmlSubstituteEntitiesDefault and friends).
        for property in [XML_PARSER_LOADDTD, XML_PARSER_DEFAULTATTRS, XML_PARSER_VALIDATE, XML_PARSER_SUBST_ENTITIES] {
            xmlTextReaderSetParserProp(reader, Int32(bitPattern: property.rawValue), 0)
        }
        try session.active { try readProlog() }
        if encoding == nil, let declared = xmlTextReaderConstEncoding(reader) {
            self.encoding = String(cString: declared).lowercased()
        }
    }

    deinit {
        xmlFreeTextReader(reader)
    }

    public var bytesRead: Int { max(0, Int(xmlTextReaderByteConsumed(reader))) }

    /// The record's cells as bytes, no string per cell (the validators make the ones they keep).
    public func next(into cells: inout ByteCells) throws -> SourceRecord? {
        guard !finished, let record = try session.active({ try readRecord() }) else { return nil }
        recordBytes.withUnsafeBufferPointer { cells.append(record: $0, ranges: fieldRanges) }
        return record
    }

    // MARK: - Reading

    /// Reads up to and including the root element's start tag.
    private func readProlog() throws {
        while true {
            guard let nodeType = try advance() else { return }
            if nodeType == NodeType.element { return }
        }
    }

    /// Reads one record, from a depth-1 start tag to its end tag, into `recordBytes` and
    /// `fieldRanges`.
    private func readRecord() throws -> SourceRecord? {
        var inRecord = false
        var line = 0  // the record's start line
        var field: Int?  // the field whose element is open
        var start = 0  // where its text starts in `recordBytes`
        while let nodeType = try advance() {
            let depth = xmlTextReaderDepth(reader)
            switch nodeType {
            case NodeType.element where depth == 1:
                inRecord = true
                line = recordLine()
                recordBytes.removeAll(keepingCapacity: true)
                for i in 0..<fieldCount { fieldRanges[i] = 0..<0 }
                for i in seen.indices { seen[i] = false }
                if xmlTextReaderIsEmptyElement(reader) == 1 { return .row(line: line) }
            case NodeType.element where depth == 2 && inRecord:
                guard let index = currentField(), !seen[index] else { break }
                seen[index] = true
                if xmlTextReaderIsEmptyElement(reader) != 1 {
                    field = index
                    start = recordBytes.count
                }
            case NodeType.text, NodeType.cdata, NodeType.whitespace, NodeType.significantWhitespace:
                if field != nil, let value = xmlTextReaderConstValue(reader) {
                    let length = strlen(UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
                    recordBytes.append(contentsOf: UnsafeBufferPointer(start: value, count: length))
                }
            case NodeType.endElement where depth == 2:
                if let open = field {
                    fieldRanges[open] = start..<recordBytes.count
                    field = nil
                }
            case NodeType.endElement where depth == 1 && inRecord:
                return .row(line: line)
            default:
                break
            }
        }
        return nil
    }

    /// Moves to the next node and gives its type; nil at the end of the document. Throws for a
    /// break in the document and for any node that DTDs or entities produce.
    private func advance() throws -> Int32? {
        let status = xmlTextReaderRead(reader)
        guard status == 1 else {
            finished = true
            if status == 0 { return nil }
            throw failure()
        }
        let nodeType = xmlTextReaderNodeType(reader)
        switch nodeType {
        case NodeType.documentType:
            throw doctypeRefusal(detail: nil)
        case NodeType.entityReference, NodeType.entity, NodeType.endEntity:
            finished = true
            let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? ""
            let (line, column) = parserPosition()
            throw IngestError.unsafeXML(
                path: file, line: line, column: column,
                message: "文件中有实体引用 &\(name);。\(Self.allowedReferences)"
            )
        default:
            return nodeType
        }
    }

    /// The line of the current depth-1 element's start tag (where the tag ends, if it spans lines).
    private func recordLine() -> Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return parserPosition().line }
        if let whole = node.pointee.psvi { return Int(bitPattern: whole) }
        return max(1, Int(xmlGetLineNo(node)))
    }

    /// The schema field the current element stands for (see `nameBytes`).
    private func currentField() -> Int? {
        guard let name = xmlTextReaderConstLocalName(reader) else { return fieldIndex(named: "") }
        let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        let known = nameFields.count
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
            nextName = found + 1
            return nameFields[found]
        }
        let index = fieldIndex(named: String(cString: name))
        if known < Self.maxCachedNames {
            nameBytes.append(contentsOf: UnsafeBufferPointer(start: name, count: length))
            nameStarts.append(nameBytes.count)
            nameFields.append(index)
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
        finished = true
        let (line, column) = session.doctype ?? parserPosition()
        var message = "文件含有 DOCTYPE 声明（DTD），DTD 可用于实体展开攻击（“十亿笑”）或读取外部文件（XXE）。"
            + "请导出不含 DOCTYPE 的文件。"
        if let detail { message += "（libxml2：\(detail)）" }
        return IngestError.unsafeXML(path: file, line: line, column: column, message: message)
    }

    /// The error for a read that returned -1.
    private func failure() -> IngestError {
        let report = session.decisive
        if session.doctype != nil { return doctypeRefusal(detail: report?.message) }
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
        (max(1, Int(xmlTextReaderGetParserLineNumber(reader))), max(1, Int(xmlTextReaderGetParserColumnNumber(reader))))
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

    /// The file's size; throws `cannotOpen` when it is missing, unreadable or a directory.
    private static func checkReadable(_ path: String) throws -> Int {
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
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw IngestError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw IngestError.cannotOpen(path: path, reason: "这是一个目录，不是文件")
        }
        return Int(info.st_size)
    }
}

/// libxml2's xmlReaderTypes, as `xmlTextReaderNodeType` returns them.
private enum NodeType {
    static let element = Int32(bitPattern: XML_READER_TYPE_ELEMENT.rawValue)
    static let text = Int32(bitPattern: XML_READER_TYPE_TEXT.rawValue)
    static let cdata = Int32(bitPattern: XML_READER_TYPE_CDATA.rawValue)
    static let entityReference = Int32(bitPattern: XML_READER_TYPE_ENTITY_REFERENCE.rawValue)
    static let entity = Int32(bitPattern: XML_READER_TYPE_ENTITY.rawValue)
    static let documentType = Int32(bitPattern: XML_READER_TYPE_DOCUMENT_TYPE.rawValue)
    static let whitespace = Int32(bitPattern: XML_READER_TYPE_WHITESPACE.rawValue)
    static let significantWhitespace = Int32(bitPattern: XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue)
    static let endElement = Int32(bitPattern: XML_READER_TYPE_END_ELEMENT.rawValue)
    static let endEntity = Int32(bitPattern: XML_READER_TYPE_END_ENTITY.rawValue)
}
