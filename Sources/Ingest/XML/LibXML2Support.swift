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

/// What libxml2 reported while one document was parsed, and where the parse met what it refuses.
/// libxml2 calls back into this object through the C error and SAX callbacks, with this object
/// as context, unretained: the `XMLRecordSource` that owns it outlives every call.
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

    /// The source whose parser reports here (set once it is whole; it owns this session and
    /// frees the parser before it goes, so no callback outlives it). Unmanaged: a callback
    /// reaches it without a retain and a release (`XMLRecordSource.withSource`).
    var source: Unmanaged<XMLRecordSource>?
    /// The first fatal error: the one that stopped the parser.
    private(set) var firstFatal: Report?
    /// The first report of any level (warnings and recoverable errors included).
    private(set) var first: Report?
    /// Where the parser met a DOCTYPE (and stopped, before its DTD).
    private(set) var doctype: (line: Int, column: Int)?
    /// The entity reference the parser stopped at, if any.
    private(set) var reference: (name: String, line: Int, column: Int)?

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

    func noteDoctype(line: Int, column: Int) {
        if doctype == nil { doctype = (line, column) }
    }

    func noteReference(_ name: String, line: Int, column: Int) {
        if reference == nil { reference = (name, line, column) }
    }

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

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Runs `body` (which drives the parser) with this thread's libxml2 handlers pointing at
    /// this session: errors that bypass the parser's own handler (iconv and I/O errors, and the
    /// odd message libxml2 prints directly) are kept rather than printed. Whatever was
    /// installed before is restored.
    func active<T>(_ body: () throws -> T) rethrows -> T {
        let saved = mianshen_xml_error_scope_begin(Self.errorHandler, context)
        defer { mianshen_xml_error_scope_end(saved) }
        return try body()
    }
}

extension XMLRecordSource {
    /// Initialises libxml2 on the calling thread. libxml2 2.9 treats the thread that first
    /// initialises it as its main thread, whose globals differ from other threads'; call this
    /// from the long-lived thread before starting readers on others.
    public static func prepareLibrary() {
        _ = XMLExternalEntityGuard.installed
    }
}
