import Datasets

/// A record-level problem written into the bytes of one format.
enum FormatDamage: Equatable {
    case none
    /// CSV: one extra field at the end of the record.
    case extraColumn
    /// JSON Lines: the closing brace is missing.
    case missingBrace
    /// CSV, JSON Lines: the single byte 0xFF after the first character of this field's value,
    /// inserted after transcoding so it is invalid in UTF-8 and in GB18030 alike.
    case invalidByte(field: Int)
}

/// Writes records of one kind in one format: header, one line per record, footer.
final class RecordWriter {
    let kind: DatasetKind
    let format: FixtureFormat
    let fileName: String
    let sink: OutputSink
    /// Records written so far; the next record's index.
    private(set) var count = 0

    private let fieldCount: Int
    private let names: [[UInt8]]
    /// `"name":` for JSON.
    private let jsonKeys: [[UInt8]]
    /// `<name>`, `</name>`, `<name/>` for XML.
    private let openTags: [[UInt8]]
    private let closeTags: [[UInt8]]
    private let emptyTags: [[UInt8]]
    private let numeric: [Bool]
    private let required: [Bool]
    private let recordOpen: [UInt8]
    private let recordClose: [UInt8]
    /// Alternates how an empty optional value is written in JSON (null / omitted) and XML
    /// (`<x/>` / omitted), deterministically.
    private var omitNextEmpty = false

    static let extraColumn = Array(",多余".utf8)

    init(schema: Schema, format: FixtureFormat, encoding: FixtureEncoding, directory: String) throws {
        kind = schema.kind
        self.format = format
        fileName = schema.kind.rawValue + "." + format.fileExtension
        sink = try OutputSink(path: directory + "/" + fileName, encoding: encoding)
        fieldCount = schema.fields.count
        names = schema.fields.map { Array($0.name.utf8) }
        jsonKeys = schema.fields.map { Array("\"\($0.name)\":".utf8) }
        openTags = schema.fields.map { Array("<\($0.name)>".utf8) }
        closeTags = schema.fields.map { Array("</\($0.name)>".utf8) }
        emptyTags = schema.fields.map { Array("<\($0.name)/>".utf8) }
        numeric = schema.fields.map {
            switch $0.type {
            case .integer, .decimal: true
            default: false
            }
        }
        required = schema.fields.map(\.required)
        let element = String(schema.kind.rawValue.dropLast())
        recordOpen = Array("<\(element)>".utf8)
        recordClose = Array("</\(element)>\n".utf8)
        writeHeader(encoding: encoding)
    }

    /// The physical line of the next record.
    var nextLine: Int { format.line(ofRecord: count) }

    private func writeHeader(encoding: FixtureEncoding) {
        switch format {
        case .csv:
            for i in 0..<fieldCount {
                if i > 0 { sink.staged.append(UInt8(ascii: ",")) }
                sink.staged.append(contentsOf: names[i])
            }
            sink.staged.append(UInt8(ascii: "\n"))
        case .jsonl:
            break
        case .xml:
            sink.staged.append(contentsOf: Array("<?xml version=\"1.0\" encoding=\"\(encoding.ianaName)\"?>\n<\(kind.rawValue)>\n".utf8))
        }
    }

    /// Writes one record on its own line; returns that line.
    @discardableResult
    func write(_ record: RecordBuffer, damage: FormatDamage = .none) throws -> Int {
        let line = nextLine
        switch format {
        case .csv: try writeCSV(record, damage: damage)
        case .jsonl: try writeJSON(record, damage: damage)
        case .xml: writeXML(record)
        }
        count += 1
        try sink.flushIfFull()
        return line
    }

    func finish() throws {
        if format == .xml {
            sink.staged.append(contentsOf: Array("</\(kind.rawValue)>\n".utf8))
        }
        try sink.close()
    }

    // MARK: Formats

    /// Appends a value, splitting it around an invalid byte when asked.
    @inline(__always)
    private func appendValue(_ record: RecordBuffer, _ i: Int, damage: FormatDamage, escape: (ArraySlice<UInt8>) -> Void) throws {
        let value = record.value(i)
        if case .invalidByte(let field) = damage, field == i, !value.isEmpty {
            let split = value.startIndex + Self.firstScalarLength(value)
            escape(value[value.startIndex..<split])
            try sink.appendRaw(0xFF)
            escape(value[split...])
        } else {
            escape(value)
        }
    }

    private func writeCSV(_ record: RecordBuffer, damage: FormatDamage) throws {
        for i in 0..<fieldCount {
            if i > 0 { sink.staged.append(UInt8(ascii: ",")) }
            try appendValue(record, i, damage: damage) { sink.staged.append(contentsOf: $0) }
        }
        if damage == .extraColumn { sink.staged.append(contentsOf: Self.extraColumn) }
        sink.staged.append(UInt8(ascii: "\n"))
    }

    private func writeJSON(_ record: RecordBuffer, damage: FormatDamage) throws {
        sink.staged.append(UInt8(ascii: "{"))
        var first = true
        for i in 0..<fieldCount {
            if record.isEmpty(i) {
                if required[i] || record.explicitEmptyField == i {
                    if !first { sink.staged.append(UInt8(ascii: ",")) }
                    sink.staged.append(contentsOf: jsonKeys[i])
                    sink.staged.append(UInt8(ascii: "\""))
                    sink.staged.append(UInt8(ascii: "\""))
                    first = false
                    continue
                }
                omitNextEmpty.toggle()
                if !omitNextEmpty { continue }
                if !first { sink.staged.append(UInt8(ascii: ",")) }
                sink.staged.append(contentsOf: jsonKeys[i])
                sink.staged.append(contentsOf: Self.null)
                first = false
                continue
            }
            if !first { sink.staged.append(UInt8(ascii: ",")) }
            first = false
            sink.staged.append(contentsOf: jsonKeys[i])
            let value = record.value(i)
            if numeric[i], Self.isJSONNumber(value) {
                sink.staged.append(contentsOf: value)
            } else {
                sink.staged.append(UInt8(ascii: "\""))
                try appendValue(record, i, damage: damage) { Self.appendJSONEscaped($0, to: &sink.staged) }
                sink.staged.append(UInt8(ascii: "\""))
            }
        }
        if damage != .missingBrace { sink.staged.append(UInt8(ascii: "}")) }
        sink.staged.append(UInt8(ascii: "\n"))
    }

    private func writeXML(_ record: RecordBuffer) {
        sink.staged.append(contentsOf: recordOpen)
        for i in 0..<fieldCount {
            if record.isEmpty(i) {
                if required[i] || record.explicitEmptyField == i {
                    sink.staged.append(contentsOf: openTags[i])
                    sink.staged.append(contentsOf: closeTags[i])
                    continue
                }
                omitNextEmpty.toggle()
                if omitNextEmpty { sink.staged.append(contentsOf: emptyTags[i]) }
                continue
            }
            sink.staged.append(contentsOf: openTags[i])
            Self.appendXMLEscaped(record.value(i), to: &sink.staged)
            sink.staged.append(contentsOf: closeTags[i])
        }
        sink.staged.append(contentsOf: recordClose)
    }

    // MARK: Escaping

    static let null = Array("null".utf8)

    static func firstScalarLength(_ value: ArraySlice<UInt8>) -> Int {
        guard let lead = value.first else { return 0 }
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return min(length, value.count)
    }

    /// Digits with an optional leading minus and at most one point: a JSON number as written.
    static func isJSONNumber(_ value: ArraySlice<UInt8>) -> Bool {
        var seenDigit = false
        var seenPoint = false
        for (offset, b) in value.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): seenDigit = true
            case UInt8(ascii: "-") where offset == 0: continue
            case UInt8(ascii: ".") where seenDigit && !seenPoint: seenPoint = true
            default: return false
            }
        }
        guard seenDigit, value.last != UInt8(ascii: ".") else { return false }
        // No leading zeros (JSON forbids 007).
        let digits = value.first == UInt8(ascii: "-") ? value.dropFirst() : value[...]
        if digits.count > 1, digits.first == UInt8(ascii: "0"), digits.dropFirst().first != UInt8(ascii: ".") { return false }
        return true
    }

    @inline(__always)
    static func appendJSONEscaped(_ value: ArraySlice<UInt8>, to out: inout [UInt8]) {
        if !value.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            out.append(contentsOf: value)
            return
        }
        for b in value {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                let hex = Array("0123456789abcdef".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
    }

    @inline(__always)
    static func appendXMLEscaped(_ value: ArraySlice<UInt8>, to out: inout [UInt8]) {
        if !value.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            out.append(contentsOf: value)
            return
        }
        for b in value {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: Array("&amp;".utf8))
            case UInt8(ascii: "<"): out.append(contentsOf: Array("&lt;".utf8))
            case UInt8(ascii: ">"): out.append(contentsOf: Array("&gt;".utf8))
            default: out.append(b)
            }
        }
    }
}
