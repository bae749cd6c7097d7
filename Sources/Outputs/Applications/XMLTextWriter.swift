internal import CLibXML2
internal import Foundation

/// libxml2's xmlTextWriter over a memory buffer: elements, attributes and text, escaped by
/// libxml2. No libxml2 type leaves this file.
final class XMLTextWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    /// Whether any call failed (libxml2 returns a negative count).
    private(set) var failed = false

    init?() {
        guard let buffer = xmlBufferCreate() else { return nil }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            return nil
        }
        self.buffer = buffer
        self.writer = writer
        check(xmlTextWriterSetIndent(writer, 1))
        Self.xml("  ") { check(xmlTextWriterSetIndentString(writer, $0)) }
        check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    func start(_ name: String) {
        Self.xml(name) { check(xmlTextWriterStartElement(writer, $0)) }
    }

    func attribute(_ name: String, _ value: String) {
        Self.xml(name) { n in Self.xml(value) { v in check(xmlTextWriterWriteAttribute(writer, n, v)) } }
    }

    func text(_ value: String) {
        Self.xml(value) { check(xmlTextWriterWriteString(writer, $0)) }
    }

    func end() {
        check(xmlTextWriterEndElement(writer))
    }

    /// `<name>value</name>`; nothing when `value` is nil.
    func element(_ name: String, _ value: String?) {
        guard let value else { return }
        start(name)
        text(value)
        end()
    }

    /// Closes every open element and returns the document's bytes; nil if any call failed.
    func finish() -> Data? {
        check(xmlTextWriterEndDocument(writer))
        check(xmlTextWriterFlush(writer))
        guard !failed, let content = buffer.pointee.content else { return nil }
        return Data(bytes: content, count: Int(buffer.pointee.use))
    }

    private func check(_ status: Int32) {
        if status < 0 { failed = true }
    }

    private static func xml<R>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> R) -> R {
        text.withCString { body(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
    }
}
