internal import CLibXML2
internal import Foundation

/// Collects what libxml2 reports during one call (parsing a schema or a document, validating),
/// instead of letting it reach stderr. The context handed to libxml2 is this object, unretained:
/// it outlives the call.
final class XMLMessages {
    private(set) var messages: [String] = []

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static var handler: xmlStructuredErrorFunc {
        { context, error in
            guard let context, let error else { return }
            let text = error.pointee.message.map { String(cString: $0) } ?? "未知错误"
            let line = Int(error.pointee.line)
            let cleaned = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            Unmanaged<XMLMessages>.fromOpaque(context).takeUnretainedValue()
                .messages.append(line > 0 ? "第 \(line) 行：\(cleaned)" : cleaned)
        }
    }

    /// Runs `body` with this thread's libxml2 error handlers pointing here, then restores them.
    func collecting<T>(_ body: () throws -> T) rethrows -> T {
        let saved = mianshen_xml_error_scope_begin(Self.handler, context)
        defer { mianshen_xml_error_scope_end(saved) }
        return try body()
    }
}
