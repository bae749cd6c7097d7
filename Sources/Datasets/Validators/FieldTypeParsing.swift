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

/// Turns one non-empty, trimmed cell into a typed value, or says why it cannot.
public struct FieldTypeParsing: Sendable {
    public let divisions: DivisionCatalog
    let provinceCodes: Set<Int>
    /// The catalogue's 郑州 county and 二七区 township codes as integers, so a valid division
    /// code is checked from its bytes without building substrings to look up (the import
    /// checks one per row); any code not found here goes the catalogue's way for its message.
    let countyNumbers: Set<Int>
    let townshipNumbers: Set<Int>

    public init(divisions: DivisionCatalog) {
        self.divisions = divisions
        self.provinceCodes = divisions.provinceCodes
        func numbers(_ codes: Dictionary<String, String>.Keys, digits: Int) -> Set<Int> {
            Set(codes.compactMap { code in
                code.utf8.count == digits && code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? Int(code) : nil
            })
        }
        self.countyNumbers = numbers(divisions.zhengzhouCounties.keys, digits: 6)
        self.townshipNumbers = numbers(divisions.erqiTownships.keys, digits: 9)
    }

    /// True when `code` is certainly valid (the same verdict as `DivisionCatalog.validate`).
    func isKnownValidDivision(_ code: String) -> Bool {
        var code = code
        guard code.utf8.count == 9 else { return false }
        return code.withUTF8 { bytes in
            var value = 0
            for b in bytes {
                guard b >= 0x30, b <= 0x39 else { return false }
                value = value * 10 + Int(b - 0x30)
            }
            guard provinceCodes.contains(value / 10_000_000) else { return false }
            let county = value / 1000
            // DivisionCatalog.cityPrefix 4101 and districtCode 410103.
            guard county / 100 == 4101 else { return true }
            guard countyNumbers.contains(county) else { return false }
            return county != 410_103 || townshipNumbers.contains(value)
        }
    }

    public func parse(_ text: String, as field: FieldSpec) -> Result<FieldValue, FieldProblem> {
        parse(text, type: field.type, label: field.label, minimum: field.minimum, maximum: field.maximum)
    }

    /// The same from the parts of the spec it needs: the import's validator passes these so it
    /// need not copy a whole `FieldSpec` (its strings and arrays retained and released) per
    /// cell, which was 6 % of an import in perf.
    public func parse(
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
        case .division:
            if isKnownValidDivision(text) { return .success(.text(text)) }
            if let problem = divisions.validate(text) {
                return .failure(FieldProblem(.badDivision, Self.describe(problem, label: label)))
            }
            return .success(.text(text))
        case .phone:
            guard let phone = PhoneNumber.normalize(text) else {
                return .failure(FieldProblem(.badFormat, "\(label)格式不对：应为 11 位手机号或带区号的固定电话（如 0371-67881234）。"))
            }
            return .success(.text(phone))
        case .industry:
            guard let code = IndustryCode.normalize(text) else {
                return .failure(FieldProblem(
                    .badEnum, "\(label)应为 GB/T 4754-2017 的门类字母加两位大类代码（如 C39），且大类属于该门类。"
                ))
            }
            return .success(.text(code))
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
        ResidentIDNumber.validate(text, provinces: provinceCodes).mapError { problem in
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
            "\(label)的县级代码 \(code) 不是郑州市的区县（GB/T 2260）。"
        case .unknownErqiTownship(let code):
            "\(label) \(code) 不是二七区的乡镇或街道（见 Rules/schemas/divisions.yaml）。"
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
