internal import CLibXML2
public import Foundation

/// `Rules/forms/applications.xsd`, compiled once: validates generated applications
/// (xmlSchemaValidateDoc) and tells the form loader which elements and types each form's
/// complexType (`Form.政策编号`) declares. Read from memory: no file or network access by libxml2.
public final class ApplicationSchema {
    /// One element of a form's sequence in the XSD.
    public struct DeclaredField: Sendable, Hashable {
        public var name: String
        public var type: String
    }

    public let file: String
    /// The simple types the XSD defines (what a form's `type:` may name).
    public private(set) var simpleTypes: Set<String> = []
    /// By policy id: the elements of `Form.ID`, in order.
    public private(set) var forms: [String: [DeclaredField]] = [:]
    private let schema: xmlSchemaPtr

    public init(xsd: Data, file: String) throws {
        self.file = file
        let messages = XMLMessages()
        let parsed: xmlSchemaPtr? = messages.collecting {
            xsd.withUnsafeBytes { raw -> xmlSchemaPtr? in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                      let parser = xmlSchemaNewMemParserCtxt(base, Int32(raw.count)) else { return nil }
                defer { xmlSchemaFreeParserCtxt(parser) }
                xmlSchemaSetParserStructuredErrors(parser, XMLMessages.handler, messages.context)
                return xmlSchemaParse(parser)
            }
        }
        guard let parsed else {
            throw ApplicationSchemaError(file: file, messages: messages.messages.isEmpty ? ["无法解析该 XSD。"] : messages.messages)
        }
        schema = parsed
        readDeclarations(xsd)
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Problems of one generated document, libxml2's words with their line; empty if it is valid.
    public func validate(_ xml: Data) -> [String] {
        let messages = XMLMessages()
        let valid: Bool = messages.collecting {
            xml.withUnsafeBytes { raw -> Bool in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                      let doc = xmlReadMemory(base, Int32(raw.count), "application.xml", "UTF-8", Int32(XML_PARSE_NONET.rawValue))
                else { return false }
                defer { xmlFreeDoc(doc) }
                guard let context = xmlSchemaNewValidCtxt(schema) else { return false }
                defer { xmlSchemaFreeValidCtxt(context) }
                xmlSchemaSetValidStructuredErrors(context, XMLMessages.handler, messages.context)
                return xmlSchemaValidateDoc(context, doc) == 0
            }
        }
        if valid { return [] }
        return messages.messages.isEmpty ? ["文档无法解析。"] : messages.messages
    }

    /// The simple types and each `Form.ID` complexType's sequence of elements.
    private func readDeclarations(_ xsd: Data) {
        let messages = XMLMessages()
        messages.collecting {
            xsd.withUnsafeBytes { raw in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                      let doc = xmlReadMemory(base, Int32(raw.count), file, "UTF-8", Int32(XML_PARSE_NONET.rawValue)),
                      let root = xmlDocGetRootElement(doc) else { return }
                defer { xmlFreeDoc(doc) }
                for node in Self.children(root) {
                    guard let name = Self.attribute(node, "name") else { continue }
                    switch Self.name(node) {
                    case "simpleType": simpleTypes.insert(name)
                    case "complexType" where name.hasPrefix("Form."):
                        let sequence = Self.children(node).first { Self.name($0) == "sequence" }
                        forms[String(name.dropFirst("Form.".count))] = (sequence.map(Self.children) ?? [])
                            .filter { Self.name($0) == "element" }
                            .map { DeclaredField(name: Self.attribute($0, "name") ?? "", type: Self.attribute($0, "type") ?? "") }
                    default: break
                    }
                }
            }
        }
    }

    private static func children(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { out.append(current) }
            child = current.pointee.next
        }
        return out
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private static func attribute(_ node: xmlNodePtr, _ wanted: String) -> String? {
        var property = node.pointee.properties
        while let current = property {
            if let name = current.pointee.name, String(cString: name) == wanted {
                return current.pointee.children?.pointee.content.map { String(cString: $0) } ?? ""
            }
            property = current.pointee.next
        }
        return nil
    }
}

/// `applications.xsd` cannot be compiled.
public struct ApplicationSchemaError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var messages: [String]

    public var description: String { "申请表 XSD \(file) 有误：" + messages.joined(separator: "；") }
}
