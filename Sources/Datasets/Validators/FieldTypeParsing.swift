internal import Foundation

/// Why one cell failed its field's type: a reason code and a Chinese sentence.
public struct FieldProblem: Error, Hashable, Sendable {
    public var reason: ReasonCode
    public var message: String

    public init(_ reason: ReasonCode, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

/// A non-empty cell after its field's checks: a value; a value stored with a data-quality
/// warning (outside a list kept by hand); or a rejection (wrong by structure).
public enum ParsedCell: Sendable {
    case value(FieldValue)
    case warned(FieldValue, WarningCode)
    case rejected(FieldProblem)

    /// The stored value or the rejection, warnings ignored.
    var result: Result<FieldValue, FieldProblem> {
        switch self {
        case .value(let value), .warned(let value, _): .success(value)
        case .rejected(let problem): .failure(problem)
        }
    }
}

/// Turns one non-empty, trimmed cell into a typed value, or says why it cannot.
public struct FieldTypeParsing: Sendable {
    public let divisions: DivisionCatalog
    public let provinceCodes: Set<Int>
    /// The same as a bit set, for the checks made once a row.
    public let provinces: ProvinceCodes
    /// The catalogue's 郑州 county and 二七区 township codes as integers, so a valid division
    /// code is checked from its bytes without building substrings to look up (the import
    /// checks one per row); any code not found here goes the catalogue's way for its message.
    let countyNumbers: Set<Int>
    let townshipNumbers: Set<Int>

    public init(divisions: DivisionCatalog) {
        self.divisions = divisions
        self.provinceCodes = divisions.provinceCodes
        self.provinces = ProvinceCodes(provinceCodes)
        func numbers(_ codes: Dictionary<String, String>.Keys, digits: Int) -> Set<Int> {
            Set(codes.compactMap { code in
                code.utf8.count == digits && code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? Int(code) : nil
            })
        }
        self.countyNumbers = numbers(divisions.zhengzhouCounties.keys, digits: 6)
        self.townshipNumbers = numbers(divisions.erqiTownships.keys, digits: 9)
    }

    /// What a division code is, from its bytes, without building substrings to look up.
    public enum DivisionVerdict: Sendable {
        /// Valid, and in the list where there is one (二七区's streets).
        case valid
        /// Valid by structure, missing from a hand-kept list (二七区's streets, 郑州's counties): a warning.
        case unlisted
        /// Wrong by structure: the catalogue says why (bad_division).
        case invalid
    }

    /// The same verdict as `DivisionCatalog.validate` and `isUnlisted`, fast.
    func divisionVerdict(_ code: String) -> DivisionVerdict {
        var code = code
        return code.withUTF8 { divisionVerdict(utf8: $0) }
    }

    /// The same on UTF-8 bytes.
    public func divisionVerdict(utf8 bytes: UnsafeBufferPointer<UInt8>) -> DivisionVerdict {
        guard bytes.count == 9 else { return .invalid }
        var value = 0
        for b in bytes {
            guard b >= 0x30, b <= 0x39 else { return .invalid }
            value = value * 10 + Int(b - 0x30)
        }
        guard provinces.contains(value / 10_000_000),
              DivisionCatalog.townshipParts.contains(value % 1000) else { return .invalid }
        let county = value / 1000
        // DivisionCatalog.cityPrefix 4101 and districtCode 410103.
        guard county / 100 == 4101 else { return .valid }
        // 4101 00 is the city itself; another county the list lacks is only unlisted.
        guard countyNumbers.contains(county) else { return county % 100 == 0 ? .invalid : .unlisted }
        return county != 410_103 || townshipNumbers.contains(value) ? .valid : .unlisted
    }

    public func parse(_ text: String, as field: FieldSpec) -> Result<FieldValue, FieldProblem> {
        parse(text, type: field.type, label: field.label, minimum: field.minimum, maximum: field.maximum, membership: field.membership)
    }

    /// The value a cell would be stored as, warnings ignored (tests, generators).
    public func parse(
        _ text: String, type: FieldType, label: String, minimum: Int64?, maximum: Int64?, membership: Membership = .reject
    ) -> Result<FieldValue, FieldProblem> {
        check(text, type: type, label: label, minimum: minimum, maximum: maximum, membership: membership).result
    }

    /// Checks one non-empty, trimmed cell. The import's validator passes the parts of the spec
    /// it needs so it need not copy a whole `FieldSpec` (its strings and arrays retained and
    /// released) per cell, which was 6 % of an import in perf. Structure rejects; membership in
    /// a hand-kept list (二七区's streets, the divisions of an industry section, an enum marked
    /// `membership: warn`) only warns.
    public func check(
        _ text: String, type: FieldType, label: String, minimum: Int64?, maximum: Int64?, membership: Membership
    ) -> ParsedCell {
        switch type {
        case .division:
            switch divisionVerdict(text) {
            case .valid: return .value(.text(text))
            case .unlisted: return .warned(.text(text), .unknownDivision)
            case .invalid:
                if let problem = divisions.validate(text) {
                    return .rejected(FieldProblem(.badDivision, Self.describe(problem, label: label)))
                }
                return .value(.text(text))
            }
        case .industry:
            guard let code = IndustryCode.normalize(text) else {
                return .rejected(FieldProblem(
                    .badEnum, "\(label)应为 GB/T 4754-2017 的门类字母（A–T）加两位大类代码，如 C39。"
                ))
            }
            return IndustryCode.isListed(code) ? .value(.text(code)) : .warned(.text(code), .unknownIndustry)
        case .enumeration(let values) where membership == .warn:
            let listed = values.contains(where: { Self.sameBytes($0, text) })
            return listed ? .value(.text(text)) : .warned(.text(text), .unknownValue)
        default:
            switch parseStructure(text, type: type, label: label, minimum: minimum, maximum: maximum) {
            case .success(let value): return .value(value)
            case .failure(let problem): return .rejected(problem)
            }
        }
    }

    /// The types whose every check is structural.
    func parseStructure(
        _ text: String, type: FieldType, label: String, minimum: Int64?, maximum: Int64?
    ) -> Result<FieldValue, FieldProblem> {
        switch type {
        case .text:
            return .success(.text(text))
        case .integer:
            guard let value = Int64(text) else {
                return .failure(FieldProblem(.badNumber, "\(label)应为整数。"))
            }
            return bounded(value, label: label, minimum: minimum, maximum: maximum, shown: { String($0) }).map { .integer($0) }
        case .decimal(let scale):
            guard let value = ScaledDecimal.parse(text, scale: scale) else {
                return .failure(FieldProblem(.badNumber, "\(label)应为数字，最多 \(scale) 位小数。"))
            }
            return bounded(value.units, label: label, minimum: minimum, maximum: maximum, shown: { ScaledDecimal(units: $0, scale: scale).description })
                .map { .decimal($0) }
        case .date:
            guard let day = Day.parse(text) else {
                return .failure(FieldProblem(.badDate, "\(label)不是有效日期：应为 YYYY-MM-DD（也接受 YYYYMMDD、YYYY/MM/DD）的真实日期。"))
            }
            return .success(.date(day))
        case .bool:
            // Byte comparison: String == on Chinese text normalises both sides (NFC) first,
            // which showed up in the import profile; data and schema are both plain UTF-8.
            if Self.sameBytes(text, "是") { return .success(.bool(true)) }
            if Self.sameBytes(text, "否") { return .success(.bool(false)) }
            return .failure(FieldProblem(.badEnum, "\(label)应为“是”或“否”。"))
        case .enumeration(let values):
            guard values.contains(where: { Self.sameBytes($0, text) }) else {
                return .failure(FieldProblem(.badEnum, "\(label)应为以下之一：\(values.joined(separator: "、"))。"))
            }
            return .success(.text(text))
        case .idNumber:
            return parseID(text, label: label).map { .text($0.text) }
        case .uscc:
            return parseUSCC(text, label: label).map { .text($0) }
        case .holderID:
            // A holder is a person (ID number) or an organisation (USCC). Some USCCs are all
            // digits too, so try both; report the error of the one the text resembles.
            let asID = parseID(text, label: label)
            if case .success(let id) = asID { return .success(.text(id.text)) }
            let asUSCC = parseUSCC(text, label: label)
            if case .success(let code) = asUSCC { return .success(.text(code)) }
            return Self.looksLikeIDNumber(text, provinces: provinceCodes)
                ? asID.map { .text($0.text) } : asUSCC.map { .text($0) }
        case .phone:
            guard let phone = PhoneNumber.normalize(text) else {
                return .failure(FieldProblem(.badFormat, "\(label)格式不对：应为 11 位手机号或带区号的固定电话（如 0371-67881234）。"))
            }
            return .success(.text(phone))
        case .division, .industry:
            // Checked by `check`, which knows which of their lists only warn.
            return check(text, type: type, label: label, minimum: minimum, maximum: maximum, membership: .reject).result
        }
    }

    /// Digits with an optional final X, starting with a province code: written as an ID number.
    static func looksLikeIDNumber(_ text: String, provinces: Set<Int>) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 15, bytes.dropLast().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let last = bytes.last, (last >= 0x30 && last <= 0x39) || last == UInt8(ascii: "X") || last == UInt8(ascii: "x")
        else { return false }
        return provinces.contains(Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30))
    }

    /// Equal UTF-8 bytes (no Unicode normalisation).
    @inline(__always)
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        let count = a.utf8.count
        guard count == b.utf8.count else { return false }
        var a = a
        var b = b
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return true }
                return memcmp(x, y, count) == 0
            }
        }
    }

    /// Parses an ID number, keeping the parsed birth date and gender for cross-checks.
    public func parseID(_ text: String, label: String) -> Result<ResidentIDNumber, FieldProblem> {
        ResidentIDNumber.validate(text, provinces: provinces).mapError { problem in
            switch problem {
            case .wrongLength(let n):
                FieldProblem(.badFormat, "\(label)应为 18 位，实际为 \(n) 位。")
            case .badCharacter:
                FieldProblem(.badFormat, "\(label)前 17 位应为数字，最后一位为数字或 X。")
            case .unknownProvince(let code):
                FieldProblem(.badFormat, "\(label)前两位 \(code) 不是 GB/T 2260 中的省级行政区划代码。")
            case .badBirthDate:
                FieldProblem(.badFormat, "\(label)第 7–14 位不是有效的出生日期。")
            case .badCheckDigit(let expected):
                FieldProblem(.badCheckDigit, "\(label)校验码错误：按 GB 11643-1999 计算，第 18 位应为 \(expected)。")
            }
        }
    }

    func parseUSCC(_ text: String, label: String) -> Result<String, FieldProblem> {
        CreditCode.validate(text).mapError { problem in
            switch problem {
            case .wrongLength(let n):
                FieldProblem(.badFormat, "\(label)应为 18 位，实际为 \(n) 位。")
            case .badCharacter(let c):
                FieldProblem(.badFormat, "\(label)含有不允许的字符“\(c)”（不使用 I、O、Z、S、V）。")
            case .badCheckDigit(let expected):
                FieldProblem(.badCheckDigit, "\(label)校验码错误：按 GB 32100-2015 计算，第 18 位应为 \(expected)。")
            }
        }
    }

    func bounded(
        _ value: Int64, label: String, minimum: Int64?, maximum: Int64?, shown: (Int64) -> String
    ) -> Result<Int64, FieldProblem> {
        if let minimum, value < minimum {
            return .failure(FieldProblem(.badNumber, "\(label)不能小于 \(shown(minimum))。"))
        }
        if let maximum, value > maximum {
            return .failure(FieldProblem(.badNumber, "\(label)不能大于 \(shown(maximum))。"))
        }
        return .success(value)
    }

    static func describe(_ problem: DivisionCatalog.Problem, label: String) -> String {
        switch problem {
        case .notNineDigits:
            "\(label)应为 9 位数字（6 位县级代码 + 3 位乡级代码）。"
        case .unknownProvince(let code):
            "\(label)前两位 \(code) 不是 GB/T 2260 中的省级代码。"
        case .unknownZhengzhouCounty(let code):
            "\(label)的县级代码 \(code) 是郑州市本级，不是区县（GB/T 2260）。"
        case .badTownshipPart(let part):
            "\(label)末三位 \(part) 不是 GB/T 10114 的乡级代码（001–099 街道，100–199 镇，200–399 乡，400–599 政企合一单位）。"
        }
    }

    /// The sentence of a warning on a field. It does not repeat the value (the value column
    /// has it), so the import builds it once per field, not once per row.
    public static func warningMessage(_ code: WarningCode, label: String) -> String {
        switch code {
        case .unknownDivision:
            "\(label)的区划代码结构正确，但不在 Rules/schemas/divisions.yaml 人工维护的名单中（二七区街道或郑州区县，名单待核）；"
                + "已按原值导入（二七区的街道显示为“未知街道（代码）”，“属于 二七区”仍成立）。请核对名单。"
        case .unknownIndustry:
            "\(label)的门类字母正确，但该大类不在 GB/T 4754-2017 该门类的大类名单中（名单由人工维护）；已按原值导入。请核对。"
        case .unknownValue:
            "\(label)不在数据规范的取值列表中（该列表由人工维护）；已按原值导入。如为新的取值，请在数据规范中补充。"
        }
    }

    /// Parses a literal written in a schema file (an `empty:` value), without catalogues.
    public static func literal(_ text: String, type: FieldType) -> FieldValue? {
        switch type {
        case .integer: Int64(text).map { .integer($0) }
        case .decimal(let scale): ScaledDecimal.parse(text, scale: scale).map { .decimal($0.units) }
        case .date: Day.parse(text).map { .date($0) }
        case .bool: text == "是" ? .bool(true) : text == "否" ? .bool(false) : nil
        case .enumeration(let values): values.contains(text) ? .text(text) : nil
        default: .text(text)
        }
    }
}
