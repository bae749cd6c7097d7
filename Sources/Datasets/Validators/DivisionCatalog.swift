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

    public static let cityPrefix = "4101"
    public static let districtCode = "410103"

    public init(provinces: [Int: String], zhengzhouCounties: [String: String], erqiTownships: [String: String]) {
        self.provinces = provinces
        self.zhengzhouCounties = zhengzhouCounties
        self.erqiTownships = erqiTownships
    }

    public var provinceCodes: Set<Int> { Set(provinces.keys) }

    public enum Problem: Error, Hashable, Sendable {
        case notNineDigits
        case unknownProvince(String)
        case unknownZhengzhouCounty(String)
        case unknownErqiTownship(String)
    }

    /// Checks a 9-digit township code. Codes outside 二七区 are valid data (non-local 户籍).
    public func validate(_ code: String) -> Problem? {
        let bytes = Array(code.utf8)
        guard bytes.count == 9, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return .notNineDigits }
        let province = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        guard provinces[province] != nil else { return .unknownProvince(String(code.prefix(2))) }
        let county = String(code.prefix(6))
        if code.hasPrefix(Self.cityPrefix) {
            guard zhengzhouCounties[county] != nil else { return .unknownZhengzhouCounty(county) }
            if county == Self.districtCode, erqiTownships[code] == nil { return .unknownErqiTownship(code) }
        }
        return nil
    }

    /// The Chinese name of a 二七区 township, or of the county, or nil.
    public func name(of code: String) -> String? {
        erqiTownships[code] ?? zhengzhouCounties[String(code.prefix(6))]
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
        return DivisionCatalog(provinces: provinces, zhengzhouCounties: counties, erqiTownships: townships)
    }
}
