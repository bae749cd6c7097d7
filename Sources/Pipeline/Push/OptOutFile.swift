internal import Datasets
internal import Foundation
internal import Ingest
public import Store

/// `push optout import FILE`: an imported list (a phone or ID number per line) or a 回T reply
/// file (a number and what was replied: T / TD / 退订 / N opts the number out, any other reply
/// is only counted). Read as every import reads CSV (quotes, UTF-8 or GB18030 detected).
///
/// Which column is which: with a header (its first column has no digit), the number is the
/// column named 手机号 / 证件号 / … (else the first) and the file is a reply file only if a
/// column is named 回复 / 回复内容 / …, so a list with a name column is a list. Without a
/// header the number is the first column and the file is a reply file when lines have a
/// second column. Good lines are kept; each bad line is reported as `file:line`.
public enum OptOutFile {
    public struct Parsed: Sendable {
        public var optOuts: [PushOptOut] = []
        /// `file:line: …` for lines that could not be read.
        public var errors: [String] = []
        /// Replies that are not an unsubscribe.
        public var otherReplies = 0
    }

    static let unsubscribe: Set<String> = ["T", "TD", "退订", "N"]
    static let blank = CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\u{FEFF}"))
    static let numberHeaders: Set<String> = ["手机号", "手机号码", "手机", "电话", "联系电话", "号码", "证件号", "证件号码", "身份证号", "身份证号码", "统一社会信用代码", "phone", "mobile", "id", "id_number"]
    static let replyHeaders: Set<String> = ["回复", "回复内容", "上行内容", "短信内容", "内容", "reply", "content", "message"]

    public static func parse(path: String) throws -> Parsed {
        let reader: CSVReader
        do {
            reader = CSVReader(stream: try TextInput.open(path: path, encoding: nil).stream)
        } catch {
            throw PushError("无法读取退订文件 \(path)：\(error)")
        }
        var out = Parsed()
        var record = CSVRecord()
        var numberColumn = 0
        var replyColumn: Int?
        var first = true
        while try reader.next(into: &record) {
            let cells = (0..<record.count).map { record.lossyString($0).trimmingCharacters(in: Self.blank) }
            defer { first = false }
            guard let head = cells.first, !(cells.count == 1 && head.isEmpty) else { continue }
            let line = record.startLine
            if first, !head.contains(where: \.isNumber) {
                let names = cells.map { $0.lowercased() }
                numberColumn = names.firstIndex(where: numberHeaders.contains) ?? 0
                replyColumn = names.firstIndex(where: replyHeaders.contains)
                continue
            }
            if first, cells.count >= 2 { replyColumn = 1 }
            let number = numberColumn < cells.count ? cells[numberColumn] : ""
            guard let address = normalize(number) else {
                out.errors.append("\(path):\(line): 不是手机号或证件号：“\(Masking.maskID(number))”")
                continue
            }
            if let replyColumn {
                let reply = replyColumn < cells.count ? cells[replyColumn].uppercased() : ""
                guard unsubscribe.contains(reply) else { out.otherReplies += 1; continue }
                out.optOuts.append(PushOptOut(address: address, source: "回T", file: path, line: line))
            } else {
                out.optOuts.append(PushOptOut(address: address, source: "名单", file: path, line: line))
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
