internal import Datasets
internal import Evaluation
internal import Foundation

/// Checks a results file line by line against the contract and collects what it says per
/// policy (`ImportedPolicy`); the first line that does not match stops it with file:line.
struct ResultsFileParser {
    struct Policy {
        var id: String
        var subject: String
        var conditions: [String]
    }

    let path: String
    let asOf: Day
    private let known: [Policy]
    private let populations: [String: BatchPopulation]
    private(set) var header: [String] = []
    private(set) var policies: [ImportedPolicy] = []
    private var index: [String: Int] = [:]
    private var current = -1
    private var cuts: [Int] = []
    private static let codes = BatchOutcome.allCases.map { ($0, Array($0.code.utf8)) }

    init(path: String, asOf: Day, policies: [Policy], populations: [String: BatchPopulation]) {
        self.path = path
        self.asOf = asOf
        known = policies
        self.populations = populations
    }

    func refuse(_ line: Int, _ message: String) -> ResultsImportError {
        ResultsImportError(path: path, line: line, message: message)
    }

    /// The first line: the contract's four columns, then condition columns of the policies.
    mutating func readHeader(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw refuse(line, "文件以 BOM（EF BB BF）开头：结果文件应为不带 BOM 的 UTF-8。")
        }
        if bytes.last == 0x0D { throw refuse(line, "行尾是 CRLF：结果文件的行尾应为 LF。") }
        let text = try self.text(bytes, line: line)
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { field -> String in
            field.count >= 2 && field.hasPrefix("\"") && field.hasSuffix("\"") ? String(field.dropFirst().dropLast()) : String(field)
        }
        let contract = ResultsImport.contractColumns
        guard names.count >= contract.count, Array(names.prefix(contract.count)) == contract else {
            throw refuse(line, "表头应为 \(contract.joined(separator: ","))（其后可接各政策的条件列），实为“\(text)”。")
        }
        let conditions = Set(known.flatMap(\.conditions))
        var seen: Set<String> = []
        for (position, name) in names.enumerated().dropFirst(contract.count) {
            guard conditions.contains(name) else {
                throw refuse(line, "表头第 \(position + 1) 列“\(name)”不是本次导入的任何政策的条件名称（条件列须以政策中的条件名称命名）。")
            }
            guard seen.insert(name).inserted else { throw refuse(line, "表头中条件列“\(name)”出现了两次。") }
        }
        header = names
        for policy in known {
            index[policy.id] = policies.count
            policies.append(ImportedPolicy(
                policyID: policy.id, subject: policy.subject, ids: populations[policy.subject]?.ids ?? [],
                conditions: policy.conditions, header: names
            ))
        }
    }

    /// One result row.
    mutating func readRow(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws {
        if bytes.contains(where: { $0 >= 0x80 }) { _ = try text(bytes, line: line) }
        if bytes.last == 0x0D { throw refuse(line, "行尾是 CRLF：结果文件的行尾应为 LF。") }
        cuts.removeAll(keepingCapacity: true)
        cuts.append(0)
        for (offset, byte) in bytes.enumerated() where byte == 0x2C { cuts.append(offset + 1) }
        cuts.append(bytes.count + 1)
        guard cuts.count - 1 == header.count else {
            throw refuse(line, "这一行有 \(cuts.count - 1) 列，表头有 \(header.count) 列。")
        }
        let policyField = field(bytes, 1)
        if current < 0 || !policyField.elementsEqual(policies[current].idBytes) {
            let id = String(decoding: policyField, as: UTF8.self)
            guard let found = index[id] else {
                let valid = known.map(\.id).joined(separator: "、")
                throw refuse(line, "政策“\(id)”在 \(asOf) 没有已发布且有效的版本（该日有效的政策：\(valid.isEmpty ? "无" : valid)）。")
            }
            current = found
        }
        let idField = field(bytes, 0)
        guard let entity = policies[current].locate(idField) else {
            let policy = policies[current]
            throw refuse(line, "对象“\(shown(String(decoding: idField, as: UTF8.self), policy.subject))”不是\(policy.subject)中的有效档案，政策 \(policy.policyID) 不适用于它。")
        }
        policies[current].next = entity + 1
        guard !policies[current].seen[entity] else {
            let policy = policies[current]
            throw refuse(line, "对象“\(shown(String(decoding: idField, as: UTF8.self), policy.subject))”与政策 \(policy.policyID) 的结果重复：每个对象与政策恰好一行。")
        }
        let outcomeField = field(bytes, 2)
        guard let outcome = Self.codes.first(where: { outcomeField.elementsEqual($0.1) })?.0 else {
            throw refuse(line, "结果代码“\(String(decoding: outcomeField, as: UTF8.self))”不是 eligible、ineligible、unknown、excluded、over_budget 之一。")
        }
        let amountField = field(bytes, 3)
        var fen: Int64 = 0
        if outcome == .eligible || outcome == .overBudget {
            guard let value = Self.fen(amountField) else {
                let text = String(decoding: amountField, as: UTF8.self)
                throw refuse(line, text.isEmpty
                    ? "结果为 \(outcome.code) 的行须填写金额（元，两位小数，如 892.50）。"
                    : "金额“\(text)”应为元、两位小数（如 892.50）。")
            }
            fen = value
        } else if !amountField.isEmpty {
            throw refuse(line, "结果为 \(outcome.code) 的行不填金额（金额只在 eligible 和 over_budget 行填写），实为“\(String(decoding: amountField, as: UTF8.self))”。")
        }
        try readConditions(bytes, entity: entity, line: line)
        policies[current].seen[entity] = true
        policies[current].outcomes[entity] = outcome
        policies[current].amountFen[entity] = fen
    }

    /// After the last line: every in-scope pair must have had its row.
    func finish(lastLine: Int) throws {
        guard !header.isEmpty else { throw refuse(1, "文件是空的：缺少表头 \(ResultsImport.contractColumns.joined(separator: ","))。") }
        for policy in policies {
            guard let missing = policy.missing else { continue }
            let id = policy.ids.bytes[policy.ids.range(missing.first)]
            throw refuse(lastLine, "文件结束时仍缺少 \(missing.count) 行：政策 \(policy.policyID) 的对象“\(shown(String(decoding: id, as: UTF8.self), policy.subject))”等没有结果（契约要求每个适用的对象与政策恰好一行，含 ineligible）。")
        }
    }

    private mutating func readConditions(_ bytes: UnsafeBufferPointer<UInt8>, entity: Int, line: Int) throws {
        for column in policies[current].foreign where !field(bytes, column).isEmpty {
            throw refuse(line, "条件列“\(header[column])”不是政策 \(policies[current].policyID) 的条件，这一行应为空。")
        }
        for (position, column) in policies[current].columns.enumerated() {
            guard let column else { continue }
            let value = field(bytes, column)
            if value.isEmpty { continue }
            // PostgreSQL's COPY writes booleans as t / f; DuckDB and Trino as true / false.
            if value.elementsEqual("true".utf8) || value.elementsEqual("t".utf8) {
                policies[current].known[position][entity] = true
                policies[current].truth[position][entity] = true
            } else if value.elementsEqual("false".utf8) || value.elementsEqual("f".utf8) {
                policies[current].known[position][entity] = true
            } else {
                throw refuse(line, "条件列“\(header[column])”的值“\(String(decoding: value, as: UTF8.self))”应为 true、false（或 PostgreSQL 的 t、f）或空（未知）。")
            }
        }
    }

    private func field(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[cuts[index]..<(cuts[index + 1] - 1)])
    }

    private func text(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw refuse(line, "不是有效的 UTF-8 文本：结果文件应为不带 BOM 的 UTF-8。")
        }
        return text
    }

    private func shown(_ id: String, _ subject: String) -> String {
        subject == "居民" ? Masking.maskID(id) : id
    }

    /// 元 with exactly two decimals (892.50) in 分; nil otherwise.
    static func fen(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = bytes.count
        guard n >= 4, n <= 18, bytes[n - 3] == 0x2E else { return nil }
        var value: Int64 = 0
        for (offset, byte) in bytes.enumerated() where offset != n - 3 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }
}
