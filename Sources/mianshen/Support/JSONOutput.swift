import Foundation

/// JSON for machines: one object per line (JSON Lines), keys sorted, UTF-8 unescaped.
enum JSONOutput {
    static func line(_ object: [String: Any]) -> String {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
