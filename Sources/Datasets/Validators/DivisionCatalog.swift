internal import Foundation

/// Administrative division codes: GB/T 2260 provinces and 郑州 (4101) districts, and the
/// towns and streets of 二七区 (410103) with their Chinese names (reports group by them).
/// Loaded from `Rules/schemas/divisions.yaml`, which an official can extend.
public struct DivisionCatalog: Sendable {
    /// Two-digit province code → name.
    public var provinces: [Int: String]
    /// Six-digit county code inside 郑州 → name.
    public var zhengzhouCounties: [String: String]
    /// Nine-digit township code inside 二七区 → name.
    public var erqiTownships: [String: String]
    /// A fixed-seed hash of `divisions.yaml`'s text, 0 for a catalogue built in code: which
    /// codes warn depends on it (imports seed raw fingerprints with it).
    public var contentDigest: Int64 = 0

    public static let cityPrefix = "4101"
    public static let districtCode = "410103"

    public init(provinces: [Int: String], zhengzhouCounties: [String: String], erqiTownships: [String: String]) {
        self.provinces = provinces
        self.zhengzhouCounties = zhengzhouCounties
        self.erqiTownships = erqiTownships
    }

    public var provinceCodes: Set<Int> { Set(provinces.keys) }

    /// What is wrong with a code by its own structure (these reject the row as bad_division).
    /// A code missing from a hand-kept list (a 二七区 street, a 郑州 county) is not a problem: the
    /// lists may be stale, so such a code is stored and warned about (`isUnlisted`).
    public enum Problem: Error, Hashable, Sendable {
        case notNineDigits
        case unknownProvince(String)
        /// 4101 followed by 00: the city itself (市辖区 of GB/T 2260), never a county.
        case unknownZhengzhouCounty(String)
        /// The last three digits are outside GB/T 10114's ranges: 001–099 街道, 100–199 镇,
        /// 200–399 乡, 400–599 政企合一单位 (000 and 600–999 do not exist).
        case badTownshipPart(String)
    }

    /// GB/T 10114's township numbers: 001–599.
    public static let townshipParts = 1...599

    /// Checks a 9-digit township code by structure. Codes outside 二七区 are valid data (non-local 户籍).
    public func validate(_ code: String) -> Problem? {
        let bytes = Array(code.utf8)
        guard bytes.count == 9, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return .notNineDigits }
        let province = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        guard provinces[province] != nil else { return .unknownProvince(String(code.prefix(2))) }
        if code.hasPrefix(Self.cityPrefix), bytes[4] == 0x30, bytes[5] == 0x30 { return .unknownZhengzhouCounty(String(code.prefix(6))) }
        let part = bytes[6...].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard Self.townshipParts.contains(part) else { return .badTownshipPart(String(code.suffix(3))) }
        return nil
    }

    /// A structurally valid code inside 二七区 that the erqi list does not hold.
    public func isUnlistedErqiTownship(_ code: String) -> Bool {
        code.utf8.count == 9 && code.hasPrefix(Self.districtCode) && erqiTownships[code] == nil && validate(code) == nil
    }

    /// A structurally valid code that a hand-kept list does not hold — a 二七区 township missing
    /// from the erqi list, or a 郑州 county missing from the zhengzhou list: stored, and recorded
    /// as an `unknown_division` warning.
    public func isUnlisted(_ code: String) -> Bool {
        guard code.utf8.count == 9, code.hasPrefix(Self.cityPrefix), validate(code) == nil else { return false }
        return zhengzhouCounties[String(code.prefix(6))] == nil || isUnlistedErqiTownship(code)
    }

    /// The Chinese name of a 二七区 township, or of the county, or nil. A 二七区 township code
    /// missing from the list is 未知街道（410103015）, never the district's name.
    public func name(of code: String) -> String? {
        if let township = erqiTownships[code] { return township }
        if isUnlistedErqiTownship(code) { return Self.unknownTownship(code) }
        return zhengzhouCounties[String(code.prefix(6))]
    }

    /// How reports and explanations show a code: 淮河路街道（410103001）, 未知街道（410103015）,
    /// 中原区（410102001）; a code outside 郑州 as it is.
    public func label(of code: String) -> String {
        name(of: code).map { $0 == Self.unknownTownship(code) ? $0 : "\($0)（\(code)）" } ?? code
    }

    /// 未知街道（410103015）.
    public static func unknownTownship(_ code: String) -> String {
        "未知街道（\(code)）"
    }

    /// Reads the catalogue. Each entry is a line `code 名称` in one of three lists.
    public static func load(path: String) throws -> DivisionCatalog {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SchemaError(file: path, message: "找不到或无法读取行政区划代码表。")
        }
        var section = ""
        var provinces: [Int: String] = [:]
        var counties: [String: String] = [:]
        var townships: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.isEmpty { continue }
            if line.hasSuffix(":"), !line.hasPrefix("-") {
                section = String(line.dropLast())
                continue
            }
            guard line.hasPrefix("-") else {
                throw SchemaError(file: path, message: "第 \(number + 1) 行应为“- 代码 名称”或“分组名:”。")
            }
            let parts = line.dropFirst().split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber) else {
                throw SchemaError(file: path, message: "第 \(number + 1) 行应为“- 代码 名称”，实际为“\(line)”。")
            }
            switch (section, parts[0].count) {
            case ("provinces", 2): provinces[Int(parts[0]) ?? 0] = parts[1]
            case ("zhengzhou", 6): counties[parts[0]] = parts[1]
            case ("erqi", 9): townships[parts[0]] = parts[1]
            default:
                throw SchemaError(
                    file: path,
                    message: "第 \(number + 1) 行：分组 \(section) 中的代码位数不对（provinces 2 位，zhengzhou 6 位，erqi 9 位）。"
                )
            }
        }
        guard !provinces.isEmpty, !counties.isEmpty, !townships.isEmpty else {
            throw SchemaError(file: path, message: "需要 provinces、zhengzhou、erqi 三个分组。")
        }
        var catalog = DivisionCatalog(provinces: provinces, zhengzhouCounties: counties, erqiTownships: townships)
        catalog.contentDigest = RowHasher.digest(of: text)
        return catalog
    }
}
