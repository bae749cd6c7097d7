public import Diagnostics
internal import Foundation
internal import Datasets
internal import Ingest

/// A file sent back to us (payment statuses from the finance office, application statuses from
/// the 一体化政务服务平台): CSV with a header, or JSON Lines (`.jsonl`, `.ndjson`, or a first
/// character `{`). Each record is its cells by column name, with the line it starts on. UTF-8 or
/// GB18030, detected as the import detects it (`TextInput`).
struct ReturnFile {
    struct Record {
        var line: Int
        var cells: [String: String]

        /// The first of `names` present and not blank.
        func value(_ names: [String]) -> String? {
            for name in names {
                if let text = cells[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return text }
            }
            return nil
        }
    }

    var path: String
    var records: [Record]

    static func read(_ path: String) throws -> ReturnFile {
        guard FileManager.default.isReadableFile(atPath: path) else { throw ReturnFileError(path: path, line: nil, message: "无法读取文件。") }
        let text = String(decoding: try TextInput.readAll(path: path), as: UTF8.self)
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let json = path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") || body.first == "{"
        return ReturnFile(path: path, records: json ? try jsonLines(body, path) : try csv(path))
    }

    private static func csv(_ path: String) throws -> [Record] {
        let reader = CSVReader(stream: try TextInput.open(path: path, encoding: nil).stream)
        var record = CSVRecord()
        guard try reader.next(into: &record) else { return [] }
        let header = (0..<record.count).map { record.lossyString($0).trimmingCharacters(in: .whitespaces) }
        var out: [Record] = []
        while try reader.next(into: &record) {
            guard record.count == header.count else {
                throw ReturnFileError(path: path, line: record.startLine, message: "应有 \(header.count) 列，实际 \(record.count) 列。")
            }
            var cells: [String: String] = [:]
            for (index, name) in header.enumerated() { cells[name] = record.lossyString(index) }
            out.append(Record(line: record.startLine, cells: cells))
        }
        return out
    }

    private static func jsonLines(_ text: String, _ path: String) throws -> [Record] {
        var out: [Record] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw ReturnFileError(path: path, line: index + 1, message: "不是一个 JSON 对象。")
            }
            var cells: [String: String] = [:]
            for (key, value) in object {
                if let text = value as? String { cells[key] = text } else if !(value is NSNull) { cells[key] = "\(value)" }
            }
            out.append(Record(line: index + 1, cells: cells))
        }
        return out
    }
}

/// A returned file that cannot be taken: names the file and line (and the value).
public struct ReturnFileError: Error, CategorizedError, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var message: String
    /// Further problems of the same file (all are listed, the first one is `line`/`message`).
    public var more: [String] = []

    public var category: ErrorCategory { .inputRejected }
    public var description: String {
        ([line.map { "\(path):\($0)：\(message)" } ?? "\(path)：\(message)"] + more).joined(separator: "\n")
    }

    /// Throws the collected problems (file:line: message), if any, as one error.
    static func check(_ problems: [(line: Int, message: String)], path: String) throws {
        guard let first = problems.first else { return }
        throw ReturnFileError(
            path: path, line: first.line, message: first.message,
            more: problems.dropFirst().prefix(49).map { "\(path):\($0.line)：\($0.message)" }
                + (problems.count > 50 ? ["……另有 \(problems.count - 50) 处问题。"] : [])
        )
    }
}

extension ReturnFile {
    /// A time as the returned files must give it, so that histories order by it as text:
    /// `2025-12-08`, `2025-12-08T16:00` or `2025-12-08T16:00:30` (a real date, 24-hour time).
    /// Returns the problem to report, or nil when it is one of these.
    static func timeProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let datePart = String(decoding: bytes.prefix(10), as: UTF8.self)
        let form = "应为 2025-12-08、2025-12-08T16:00 或 2025-12-08T16:00:30"
        guard bytes.count >= 10, Day.parse(datePart) != nil else { return "时间“\(text)”无法识别，\(form)。" }
        guard bytes.count > 10 else { return nil }
        func twoDigits(_ at: Int, below limit: Int) -> Bool {
            guard at + 1 < bytes.count, let tens = digit(bytes[at]), let ones = digit(bytes[at + 1]) else { return false }
            return tens * 10 + ones < limit
        }
        let colon = UInt8(ascii: ":")
        let timeOK = bytes[10] == UInt8(ascii: "T") && twoDigits(11, below: 24) && bytes.count >= 16 && bytes[13] == colon
            && twoDigits(14, below: 60)
            && (bytes.count == 16 || (bytes.count == 19 && bytes[16] == colon && twoDigits(17, below: 60)))
        return timeOK ? nil : "时间“\(text)”无法识别，\(form)（同一文件中的时间须同一写法，按文本排序即按时间排序）。"
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
