import Diagnostics
import RuleLanguage

/// A rule-file snippet with position markers, as swift-syntax's tests mark them: `1️⃣`, `2️⃣` …
/// stand where a diagnostic is expected; they are removed before the text is lexed.
struct MarkedSource {
    let source: SourceFile
    private var markers: [String: Int] = [:]

    init(_ marked: String, name: String = "测试.policy") {
        var text = ""
        var offsets: [String: Int] = [:]
        for character in marked {
            if let marker = Self.markers.firstIndex(of: character) {
                offsets[String(marker + 1)] = text.utf8.count
            } else {
                text.append(character)
            }
        }
        source = SourceFile(name: name, text: text)
        markers = offsets
    }

    /// Where marker `n` stands.
    func location(_ n: Int) -> SourceLocation {
        source.location(of: markers[String(n)] ?? -1)
    }

    static let markers: [Character] = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]
}
