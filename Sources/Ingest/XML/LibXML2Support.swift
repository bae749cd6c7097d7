internal import CLibXML2
internal import Foundation

/// The process-wide external entity loader: it refuses every load and counts the attempts.
///
/// The reader never asks for a load (no `XML_PARSE_NOENT`, `DTDLOAD`, `DTDATTR` or `DTDVALID`,
/// and documents with a DOCTYPE are refused), so this is defence in depth: should some path in
/// libxml2 still try to fetch an external DTD or entity, nothing is read. libxml2 keeps one
/// loader for the whole process; Mianshen has no other libxml2 user.
enum XMLExternalEntityGuard {
    private static let counter = LockedCounter()

    /// Initialises libxml2 and installs the loader exactly once, on first use.
    static let installed: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in
            XMLExternalEntityGuard.counter.increment()
            return nil
        }
        return true
    }()

    /// How many times libxml2 asked for an external resource since the process started.
    static var attempts: Int { counter.value }

    /// Asks libxml2 to load `url` as an external entity, as the parser would; true if it got
    /// anything back (it never should). For tests: shows the refusing loader is in place.
    static func probe(url: String) -> Bool {
        _ = installed
        guard let input = xmlLoadExternalEntity(url, nil, nil) else { return false }
        xmlFreeInputStream(input)
        return true
    }
}

/// An integer behind a lock, safe to touch from libxml2 callbacks on any thread.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

/// What libxml2 reported while one reader was reading, and where it was when it built the
/// nodes that matter. libxml2 calls back into this object through C callbacks whose context
/// is this object, unretained: the `XMLRecordSource` that owns it outlives every call.
final class XMLReaderSession {
    struct Report {
        var level: Int32
        var domain: Int32
        var code: Int32
        /// 0 when libxml2 did not know (encoding and I/O errors).
        var line: Int
        var column: Int
        var message: String
    }

    /// The reader being driven; set once it exists.
    var reader: OpaquePointer?
    /// The first fatal error: the one that stopped the parser.
    private(set) var firstFatal: Report?
    /// The first report of any level (warnings and recoverable errors included).
    private(set) var first: Report?
    /// Where the parser was when it built a DOCTYPE node. A DTD can make the parser fail (an
    /// entity reference loop, say) before the reader hands out the DOCTYPE node, so this is
    /// recorded as the node is created.
    private(set) var doctype: (line: Int, column: Int)?

    /// The report that explains why the document ended, if libxml2 said anything.
    var decisive: Report? { firstFatal ?? first }

    func record(_ error: UnsafeMutablePointer<xmlError>) {
        let report = error.pointee
        let entry = Report(
            level: Int32(bitPattern: report.level.rawValue),
            domain: report.domain,
            code: report.code,
            line: Int(report.line),
            column: Int(report.int2),
            message: report.message.map { Self.clean(String(cString: $0)) } ?? ""
        )
        if first == nil { first = entry }
        if firstFatal == nil, entry.level == Int32(bitPattern: XML_ERR_FATAL.rawValue) { firstFatal = entry }
    }

    /// Called for every node libxml2 creates while this session is active (see `active`).
    func noteCreated(_ node: UnsafeMutablePointer<xmlNode>) {
        guard let reader else { return }
        switch node.pointee.type.rawValue {
        case Self.elementNode:
            // libxml2 keeps an element's line in 16 bits and stores 65535 for every line after
            // that; nightly files are far longer. The parser's line right now is the value it is
            // about to store (capped); keep it whole in the element's unused `psvi` field.
            let line = Int(xmlTextReaderGetParserLineNumber(reader))
            node.pointee.psvi = UnsafeMutableRawPointer(bitPattern: line)
        case Self.dtdNode:
            if doctype == nil {
                doctype = (Int(xmlTextReaderGetParserLineNumber(reader)), Int(xmlTextReaderGetParserColumnNumber(reader)))
            }
        default:
            break
        }
    }

    private static let elementNode = XML_ELEMENT_NODE.rawValue
    private static let dtdNode = XML_DTD_NODE.rawValue

    /// libxml2's messages end with a newline and sometimes span two lines ("Bytes: 0x…").
    static func clean(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "；")
    }

    /// The C error callback; its context is a session.
    static var errorHandler: xmlStructuredErrorFunc {
        { context, error in
            guard let context, let error else { return }
            Unmanaged<XMLReaderSession>.fromOpaque(context).takeUnretainedValue().record(error)
        }
    }

    /// The C node-creation callback. libxml2 gives it no context, so it finds the session in
    /// this thread's structured-error context, which `active` points at the session.
    private static var nodeHook: xmlRegisterNodeFunc {
        { node in
            guard let node, let slot = __xmlStructuredErrorContext(), let context = slot.pointee else { return }
            Unmanaged<XMLReaderSession>.fromOpaque(context).takeUnretainedValue().noteCreated(node)
        }
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Runs `body` (which drives the reader) with this thread's libxml2 handlers pointing at
    /// this session: errors that bypass the reader's own handler (iconv and I/O errors, and the
    /// odd message libxml2 prints directly) are kept rather than printed, and node creation is
    /// watched for line numbers and DOCTYPEs. Whatever was installed before is restored.
    func active<T>(_ body: () throws -> T) rethrows -> T {
        let saved = mianshen_xml_error_scope_begin(Self.errorHandler, context)
        let savedHook = xmlRegisterNodeDefault(Self.nodeHook)
        defer {
            xmlRegisterNodeDefault(savedHook)
            mianshen_xml_error_scope_end(saved)
        }
        return try body()
    }
}

extension XMLRecordSource {
    /// Initialises libxml2 on the calling thread. libxml2 2.9 treats the thread that first
    /// initialises it as its main thread, whose globals (the node-creation hook the reader
    /// uses for line numbers past 65,535 and DOCTYPE positions) differ from other threads';
    /// initialising it from a short-lived worker thread left later readers on other threads
    /// without that hook. Call this from the long-lived thread before starting readers.
    public static func prepareLibrary() {
        _ = XMLExternalEntityGuard.installed
    }
}
