import Datasets
import Foundation
import Generator
import Glibc
import MianshenTesting

/// Reading generated files back, independently of the generator's own code.
enum Files {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NSError(domain: "GeneratorTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot read \(path)"])
        }
        return [UInt8](data)
    }

    /// Physical lines without their LF; a final LF does not start another line.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func text(_ bytes: some Sequence<UInt8>) -> String? {
        String(bytes: Array(bytes), encoding: .utf8)
    }

    static func manifest(_ path: String) throws -> [CorruptedRow] {
        let lines = Self.lines(try bytes(path))
        return lines.dropFirst().map { line in
            let parts = (text(line) ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return CorruptedRow(file: parts[0], line: Int(parts[1]) ?? -1, field: parts[2], reason: ReasonCode(rawValue: parts[3]) ?? .badXML)
        }
    }

    /// GB18030 → UTF-8 with glibc iconv.
    static func decodeGB18030(_ input: [UInt8]) -> [UInt8]? {
        guard let cd = iconv_open("UTF-8", "GB18030"), Int(bitPattern: cd) != -1 else { return nil }
        defer { iconv_close(cd) }
        var source = input
        var target = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let total = source.count
        let capacity = target.count
        let (result, inLeft, outLeft) = source.withUnsafeMutableBytes { inRaw in
            target.withUnsafeMutableBytes { outRaw in
                var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = total
                var outLeft = capacity
                let result = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                return (result, inLeft, outLeft)
            }
        }
        guard result != -1, inLeft == 0 else { return nil }
        return Array(target[0..<(capacity - outLeft)])
    }
}

/// One record read back from any format: the cell of each field (nil when absent or null).
struct ParsedRecord {
    var cells: [String: String]
    /// The record could not be read (bad JSON, wrong column count, undecodable bytes).
    var malformed: ReasonCode?
    var raw: ArraySlice<UInt8>

    subscript(_ field: String) -> String { cells[field] ?? "" }
}

enum RecordParser {
    /// The records of a data file in order, with the physical line of each.
    static func records(_ bytes: [UInt8], format: FixtureFormat, schema: Schema) -> [(line: Int, record: ParsedRecord)] {
        let lines = Files.lines(bytes)
        switch format {
        case .csv:
            let header = (Files.text(lines[0]) ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return lines.dropFirst().enumerated().map { i, line in (i + 2, csv(line, header: header)) }
        case .jsonl:
            return lines.enumerated().map { i, line in (i + 1, json(line)) }
        case .xml:
            return lines.dropFirst(2).dropLast().enumerated().map { i, line in (i + 3, xml(line)) }
        }
    }

    static func csv(_ line: ArraySlice<UInt8>, header: [String]) -> ParsedRecord {
        let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard cells.count == header.count else { return ParsedRecord(cells: [:], malformed: .wrongColumnCount, raw: line) }
        var result: [String: String] = [:]
        for (name, cell) in zip(header, cells) {
            guard let text = Files.text(cell) else { return ParsedRecord(cells: [:], malformed: .badEncoding, raw: line) }
            result[name] = text
        }
        return ParsedRecord(cells: result, malformed: nil, raw: line)
    }

    /// A flat JSON object of strings, numbers and null, as the generator writes them.
    static func json(_ line: ArraySlice<UInt8>) -> ParsedRecord {
        guard let text = Files.text(line) else { return ParsedRecord(cells: [:], malformed: .badEncoding, raw: line) }
        let chars = Array(text.unicodeScalars)
        var i = 0
        var result: [String: String] = [:]
        func fail() -> ParsedRecord { ParsedRecord(cells: [:], malformed: .badJSON, raw: line) }
        func string() -> String? {
            guard i < chars.count, chars[i] == "\"" else { return nil }
            i += 1
            var s = String.UnicodeScalarView()
            while i < chars.count, chars[i] != "\"" {
                if chars[i] == "\\" { i += 1 }
                guard i < chars.count else { return nil }
                s.append(chars[i])
                i += 1
            }
            guard i < chars.count else { return nil }
            i += 1
            return String(s)
        }
        guard chars.first == "{" else { return fail() }
        i = 1
        if i < chars.count, chars[i] == "}" { return ParsedRecord(cells: [:], malformed: nil, raw: line) }
        while true {
            guard let key = string(), i < chars.count, chars[i] == ":" else { return fail() }
            i += 1
            if i < chars.count, chars[i] == "\"" {
                guard let value = string() else { return fail() }
                result[key] = value
            } else {
                var literal = String.UnicodeScalarView()
                while i < chars.count, chars[i] != ",", chars[i] != "}" {
                    literal.append(chars[i])
                    i += 1
                }
                let value = String(literal)
                if value != "null" {
                    guard Double(value) != nil else { return fail() }
                    result[key] = value
                }
            }
            guard i < chars.count else { return fail() }
            if chars[i] == "}" { break }
            guard chars[i] == "," else { return fail() }
            i += 1
        }
        guard i == chars.count - 1 else { return fail() }
        return ParsedRecord(cells: result, malformed: nil, raw: line)
    }

    /// `<resident><name>value</name><phone/>…</resident>` on one line.
    static func xml(_ line: ArraySlice<UInt8>) -> ParsedRecord {
        guard let text = Files.text(line) else { return ParsedRecord(cells: [:], malformed: .badEncoding, raw: line) }
        var result: [String: String] = [:]
        var rest = Substring(text)
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else {
            return ParsedRecord(cells: [:], malformed: .badXML, raw: line)
        }
        let element = rest[rest.index(after: rest.startIndex)..<close]
        rest = rest[rest.index(after: close)...]
        while !rest.hasPrefix("</\(element)>") {
            guard rest.hasPrefix("<"), let end = rest.firstIndex(of: ">") else {
                return ParsedRecord(cells: [:], malformed: .badXML, raw: line)
            }
            let tag = rest[rest.index(after: rest.startIndex)..<end]
            rest = rest[rest.index(after: end)...]
            if tag.hasSuffix("/") { continue }
            guard let closing = rest.range(of: "</\(tag)>") else { return ParsedRecord(cells: [:], malformed: .badXML, raw: line) }
            result[String(tag)] = String(rest[..<closing.lowerBound])
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&amp;", with: "&")
            rest = rest[closing.upperBound...]
        }
        return ParsedRecord(cells: result, malformed: nil, raw: line)
    }
}

/// The importer's rules, restated with the Datasets validators: fields in schema order, the
/// first failing field wins; required, required-when and the cross-field checks.
struct RowCheck {
    let schema: Schema
    let parsing: FieldTypeParsing

    init(schema: Schema, divisions: DivisionCatalog) {
        self.schema = schema
        parsing = FieldTypeParsing(divisions: divisions)
    }

    func firstProblem(_ record: ParsedRecord) -> (field: String, reason: ReasonCode)? {
        var values: [FieldValue] = []
        var ids: [Int: ResidentIDNumber] = [:]
        for (index, field) in schema.fields.enumerated() {
            let text = record[field.name]
            if text.isEmpty {
                if field.required { return (field.name, .missingRequired) }
                if let condition = field.requiredWhen,
                   values[condition.field].display(for: schema.fields[condition.field]) == condition.equals {
                    return (field.name, .missingRequired)
                }
                values.append(.null)
                continue
            }
            if field.type == .idNumber || field.type == .holderID,
               case .success(let id) = parsing.parseID(text, label: field.label) {
                ids[index] = id
            }
            switch parsing.parse(text, as: field) {
            case .failure(let problem): return (field.name, problem.reason)
            case .success(let value): values.append(value)
            }
            for check in field.crossChecks {
                switch check {
                case .genderOf(let other):
                    if let id = ids[other], text != id.gender { return (field.name, .genderMismatch) }
                case .birthDateOf(let other):
                    if let id = ids[other], case .date(let day) = values[index], day != id.birthDate {
                        return (field.name, .birthMismatch)
                    }
                case .holderKindOf(let other):
                    if !values[other].isNull, text != (ids[other] != nil ? "个人" : "企业") { return (field.name, .badEnum) }
                case .notBefore(let other):
                    if case .date(let day) = values[index], case .date(let earlier) = values[other], day < earlier {
                        return (field.name, .badDate)
                    }
                }
            }
        }
        return nil
    }
}
