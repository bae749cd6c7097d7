/// 国民经济行业分类 GB/T 4754-2017: a section letter and a two-digit division inside it
/// (C39 = 计算机、通信和其他电子设备制造业).
public enum IndustryCode {
    /// Section letter → its divisions, as the standard assigns them.
    public static let sections: [Character: ClosedRange<Int>] = [
        "A": 1...5, "B": 6...12, "C": 13...43, "D": 44...46, "E": 47...50, "F": 51...52, "G": 53...60,
        "H": 61...62, "I": 63...65, "J": 66...69, "K": 70...70, "L": 71...72, "M": 73...75, "N": 76...79,
        "O": 80...82, "P": 83...83, "Q": 84...85, "R": 86...90, "S": 91...97, "T": 98...98,
    ]

    /// Section names, used in reports per industry.
    public static let sectionNames: [Character: String] = [
        "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业",
        "E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业",
        "I": "信息传输、软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
        "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业",
        "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
        "T": "国际组织",
    ]

    /// The normalised code (uppercase section letter + 2 digits), or nil when the structure is
    /// wrong: no such section letter, or not exactly two digits after it. Whether the division
    /// belongs to the section is `isListed`: that table is kept by hand, so a miss is a warning
    /// (`unknown_industry`), not a rejection. Reads bytes: the import checks one code per row.
    public static func normalize(_ text: String) -> String? {
        var bytes = text
        let shape = bytes.withUTF8 { b -> (upper: Bool, ok: Bool) in
            guard b.count == 3, b[1] >= 0x30, b[1] <= 0x39, b[2] >= 0x30, b[2] <= 0x39 else { return (false, false) }
            let letter = b[0] >= 0x61 && b[0] <= 0x7A ? b[0] - 0x20 : b[0]
            return (letter == b[0], sectionLetters.contains(letter))
        }
        guard shape.ok else { return nil }
        return shape.upper ? text : text.uppercased()
    }

    /// Whether a normalised code's division is one its section holds (C39: yes; C99: no).
    public static func isListed(_ code: String) -> Bool {
        var code = code
        return code.withUTF8 { b in
            guard b.count == 3, let range = sectionRanges[b[0]] else { return false }
            return range.contains(Int(b[1] &- 0x30) * 10 + Int(b[2] &- 0x30))
        }
    }

    /// The sections by ASCII letter.
    static let sectionRanges: [UInt8: ClosedRange<Int>] = Dictionary(
        uniqueKeysWithValues: sections.compactMap { letter, range in letter.asciiValue.map { ($0, range) } }
    )
    static let sectionLetters: Set<UInt8> = Set(sectionRanges.keys)
}
