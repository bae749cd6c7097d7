public import Datasets

/// Checks one record against its schema, field by field in schema order, and produces either
/// the typed row or the one reason it is quarantined (the first failing field).
public struct RowValidator: Sendable {
    public let schema: Schema
    let fields: [FieldSpec]
    public let parsing: FieldTypeParsing
    public let file: String
    /// ID numbers parsed in the current row, by field index, for the cross-field checks.
    var parsedIDs: [ResidentIDNumber.Parts?]
    /// Per field, the sentence of the one warning its type can raise (built once, shared by rows).
    private let warningMessages: [String]
    /// Per field, how its cell is checked from bytes in the common case (`RowValidator+Bytes`).
    let byteChecks: [ByteCheck]
    let enumerations: EnumerationTable
    /// Per field, where its cross-field checks are in `crossCheckList`: the validator's own
    /// (reading `fields[index].crossChecks` retained the schema's array, shared by both
    /// validating threads, for every checked cell).
    let crossChecks: [Range<Int>]
    private let crossCheckList: [CrossCheck]
    /// False: every cell goes the string way (the test that both ways agree sets it).
    var byteChecksEnabled = true

    public init(schema: Schema, divisions: DivisionCatalog, file: String) {
        self.schema = schema
        self.fields = schema.fields
        self.parsing = FieldTypeParsing(divisions: divisions)
        self.file = file
        self.parsedIDs = Array(repeating: nil, count: schema.fields.count)
        var enumerations = EnumerationTable()
        self.byteChecks = schema.fields.map { ByteCheck($0, enumerations: &enumerations) }
        self.enumerations = enumerations
        var list: [CrossCheck] = []
        self.crossChecks = schema.fields.map { field in
            list.append(contentsOf: field.crossChecks)
            return (list.count - field.crossChecks.count)..<list.count
        }
        self.crossCheckList = list
        self.warningMessages = schema.fields.map { field in
            let code: WarningCode? = switch field.type {
            case .division: .unknownDivision
            case .industry: .unknownIndustry
            case .enumeration where field.membership == .warn: .unknownValue
            default: nil
            }
            return code.map { FieldTypeParsing.warningMessage($0, label: field.label) } ?? ""
        }
    }

    /// Validates `cells` (one per schema field, in schema order) into `values`; returns the
    /// quarantine entry when the row is bad. Warnings are dropped (see the other overload).
    public mutating func validate(
        _ cells: [RawCell], line: Int, into values: inout [FieldValue]
    ) -> QuarantineEntry? {
        var warnings: [DataWarning] = []
        return validate(cells, line: line, into: &values, warnings: &warnings)
    }

    /// The same, appending the row's data-quality warnings to `warnings` when the row is good
    /// (a rejected row adds none: it is not imported).
    public mutating func validate(
        _ cells: [RawCell], line: Int, into values: inout [FieldValue], warnings: inout [DataWarning]
    ) -> QuarantineEntry? {
        validate(cells[...], line: line, into: &values, warnings: &warnings)
    }

    /// The same for one row of a flat batch of cells (one per schema field, in schema order).
    public mutating func validate(
        _ cells: ArraySlice<RawCell>, line: Int, into values: inout [FieldValue], warnings: inout [DataWarning]
    ) -> QuarantineEntry? {
        var bytes = ByteCells()
        for cell in cells { bytes.append(cell) }
        return validate(bytes, from: 0, line: line, into: &values, warnings: &warnings)
    }

    /// One cell of the row; appends its value, or returns why the row is quarantined.
    func validate(
        _ cell: RawCell, index: Int, line: Int, into values: inout FlatValues, base: Int,
        parsedIDs: inout [ResidentIDNumber.Parts?], warnings: inout [DataWarning]
    ) -> QuarantineEntry? {
        let text: String
        switch cell {
        case .absent:
            values.append(.null)
            return nil
        case .undecodable(let lossy):
            return reject(index, line, .badEncoding, lossy, "\(fields[index].label)含有无法按 UTF-8 解码的字节。")
        case .text(let raw):
            text = Self.trim(raw)
        }
        if text.isEmpty {
            if fields[index].required {
                return reject(index, line, .missingRequired, "", "\(fields[index].label)为必填项，不能为空。")
            }
            if let condition = fields[index].requiredWhen, base + condition.field < values.count,
               values[base + condition.field].display(for: fields[condition.field]) == condition.equals {
                let other = fields[condition.field]
                return reject(index, line, .missingRequired, "", "\(other.label)为“\(condition.equals)”时，\(fields[index].label)不能为空。")
            }
            switch fields[index].empty {
            case .unknown:
                values.append(.null)
            case .value(let value, _, nil):
                values.append(value)
            case .value(let value, _, let condition?):
                // Only where the other field says so (above_scale = 否); otherwise unknown.
                let holds = base + condition.field < values.count
                    && values[base + condition.field].display(for: fields[condition.field]) == condition.equals
                values.append(holds ? value : .null)
            }
            return nil
        }
        let parsed: Result<FieldValue, FieldProblem>
        if case .idNumber = fields[index].type {
            parsed = parsing.parseID(text, label: fields[index].label).map { id in
                parsedIDs[index] = ResidentIDNumber.Parts(id)
                return .text(id.text)
            }
        } else if case .holderID = fields[index].type,
                  case .success(let id) = parsing.parseID(text, label: fields[index].label) {
            parsedIDs[index] = ResidentIDNumber.Parts(id)
            parsed = .success(.text(id.text))
        } else {
            switch parsing.check(
                text, type: fields[index].type, label: fields[index].label, minimum: fields[index].minimum,
                maximum: fields[index].maximum, membership: fields[index].membership
            ) {
            case .value(let value):
                parsed = .success(value)
            case .warned(let value, let code):
                parsed = .success(value)
                warnings.append(DataWarning(
                    file: file, line: line, field: fields[index].name, reason: code, value: value.display(for: fields[index]),
                    message: warningMessages[index]
                ))
            case .rejected(let problem):
                parsed = .failure(problem)
            }
        }
        switch parsed {
        case .failure(let problem):
            return reject(index, line, problem.reason, text, problem.message)
        case .success(let value):
            values.append(value)
        }
        if !crossChecks[index].isEmpty,
           let problem = crossCheck(index: index, values: values, base: base, parsedIDs: parsedIDs) {
            return reject(index, line, problem.reason, text, problem.message)
        }
        return nil
    }

    /// The quarantine entry for a bad cell (not a nested function: capturing the field would copy it).
    func reject(
        _ index: Int, _ line: Int, _ reason: ReasonCode, _ value: String, _ message: String
    ) -> QuarantineEntry {
        QuarantineEntry(file: file, line: line, field: fields[index].name, reason: reason, value: value, message: message)
    }

    /// The cross-field checks of field `index` of the row whose values start at `values[base]`.
    func crossCheck(index: Int, values: FlatValues, base: Int, parsedIDs: [ResidentIDNumber.Parts?]) -> FieldProblem? {
        for c in crossChecks[index] {
            let check = crossCheckList[c]
            // Checks look back only: a field refers to fields before it in schema order.
            guard check.otherField < index else { continue }
            switch check {
            case .genderOf(let other):
                // The ID's parts read where they are, not the ID copied out (its text retained).
                guard let expected = parsedIDs[other]?.gender, case .text(let gender) = values[base + index] else { continue }
                if gender != expected {
                    return FieldProblem(
                        .genderMismatch,
                        "\(fields[index].label)为“\(gender)”，但\(schema.fields[other].label)第 17 位表示“\(expected)”（奇数为男，偶数为女）。"
                    )
                }
            case .birthDateOf(let other):
                guard let birth = parsedIDs[other]?.birthDate, case .date(let day) = values[base + index] else { continue }
                if day != birth {
                    return FieldProblem(.birthMismatch, "\(fields[index].label)与\(schema.fields[other].label)第 7–14 位的出生日期不一致。")
                }
            case .holderKindOf(let other):
                guard case .text(let kind) = values[base + index], !values.isNull(at: base + other) else { continue }
                let expected = parsedIDs[other] != nil ? "个人" : "企业"
                if kind != expected {
                    let code = parsedIDs[other] != nil ? "身份证号" : "统一社会信用代码"
                    return FieldProblem(
                        .badEnum, "\(fields[index].label)为“\(kind)”，但\(schema.fields[other].label)是\(code)，应为“\(expected)”。"
                    )
                }
            case .notBefore(let other):
                guard case .date(let day) = values[base + index], case .date(let earlier) = values[base + other] else { continue }
                if day < earlier {
                    return FieldProblem(.badDate, "\(fields[index].label)（\(day)）早于\(schema.fields[other].label)（\(earlier)）。")
                }
            }
        }
        return nil
    }

    /// Trims ASCII whitespace and the ideographic space (U+3000) that office software leaves.
    static func trim(_ text: String) -> String {
        // Fast path on bytes: a cell that starts and ends with neither a space, a tab, a line
        // break, U+3000 (E3 80 80) nor U+FEFF (EF BB BF) is returned as it is.
        var bytes = text
        guard let (firstByte, lastByte) = bytes.withUTF8({ $0.isEmpty ? nil : ($0[0], $0[$0.count - 1]) }) else {
            return text
        }
        let spaceStart = firstByte == 0x20 || firstByte == 0x09 || firstByte == 0x0D || firstByte == 0x0A
            || firstByte == 0xE3 || firstByte == 0xEF
        let spaceEnd = lastByte == 0x20 || lastByte == 0x09 || lastByte == 0x0D || lastByte == 0x0A
            || lastByte == 0x80 || lastByte == 0xBF
        guard spaceStart || spaceEnd else { return text }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              isSpace(first) || isSpace(last) else { return text }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
              let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[start...end])
    }

    private static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\r" || s == "\n" || s == "\u{3000}" || s == "\u{FEFF}"
    }
}
