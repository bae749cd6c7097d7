internal import Datasets
internal import Foundation
public import Store

/// `push optout import FILE`: an imported list (one phone or ID number a line, CSV's first
/// column; a header line is skipped) or a 回T reply file (`手机号,回复内容[,时间]`: a reply of
/// T / TD / 退订 opts the number out, any other reply is only counted). Good lines are kept;
/// each bad line is reported as `file:line`.
public enum OptOutFile {
    public struct Parsed: Sendable {
        public var optOuts: [PushOptOut] = []
        /// `file:line: …` for lines that could not be read.
        public var errors: [String] = []
        /// Replies that are not an unsubscribe.
        public var otherReplies = 0
    }

    static let unsubscribe: Set<String> = ["T", "TD", "退订", "N"]

    public static func parse(path: String) throws -> Parsed {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PushError("无法读取退订文件 \(path)：\(error.localizedDescription)")
        }
        var out = Parsed()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r\u{FEFF} \t"))
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let first = fields[0]
            // A header: no digit in its first column (手机号, 证件号, phone …).
            if index == 0, !first.contains(where: \.isNumber) { continue }
            guard let address = normalize(first) else {
                out.errors.append("\(path):\(index + 1): 不是手机号或证件号：“\(Masking.maskID(first))”")
                continue
            }
            if fields.count >= 2 {
                guard unsubscribe.contains(fields[1].uppercased()) else { out.otherReplies += 1; continue }
                out.optOuts.append(PushOptOut(address: address, source: "回T", file: path, line: index + 1))
            } else {
                out.optOuts.append(PushOptOut(address: address, source: "名单", file: path, line: index + 1))
            }
        }
        return out
    }

    /// A mobile number (normalized as profiles store it) or an 18-character ID / credit code.
    static func normalize(_ text: String) -> String? {
        if let phone = PhoneNumber.normalize(text), PhoneNumber.isMobile(phone) { return phone }
        let upper = text.uppercased()
        if upper.count == 18, upper.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) { return upper }
        return nil
    }
}
