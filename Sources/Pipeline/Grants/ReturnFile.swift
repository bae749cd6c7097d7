public import Diagnostics
internal import Foundation
internal import Ingest

/// A file sent back to us (payment statuses from the finance office, application statuses from
/// the 一体化政务服务平台): CSV with a header, or JSON Lines (`.jsonl`, `.ndjson`, or a first
/// character `{`). Each record is its cells by column name, with the line it starts on.
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
        guard let data = FileManager.default.contents(atPath: path) else { throw ReturnFileError(path: path, line: nil, message: "无法读取文件。") }
        let text = String(decoding: data, as: UTF8.self)
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let json = path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") || body.first == "{"
        return ReturnFile(path: path, records: json ? try jsonLines(body, path) : try csv(path))
    }

    private static func csv(_ path: String) throws -> [Record] {
        let reader = try CSVReader(path: path)
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
