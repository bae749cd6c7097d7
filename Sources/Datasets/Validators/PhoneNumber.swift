/// Chinese phone numbers: an 11-digit mobile (1[3-9]xxxxxxxxx, optional +86 / 86 prefix) or a
/// landline with area code (0 + 2–3 digits, optional hyphen, 7–8 digits, e.g. 0371-67881234).
public enum PhoneNumber {
    /// Whether a normalised number (as `normalize` gives and profiles store) is a mobile: only a
    /// mobile can receive SMS; landlines are normalised as `0371-67881234`.
    public static func isMobile(_ normalized: String) -> Bool {
        normalized.utf8.count == 11 && normalized.utf8.first == UInt8(ascii: "1")
    }

    /// The normalised number (mobile digits only; landline as `0371-67881234`), or nil.
    public static func normalize(_ text: String) -> String? {
        // The common case, a plain 11-digit mobile, is already normalised: return it as it is
        // without the byte arrays the general path builds (five allocations per row in the
        // import's profile).
        var plainMobile = text
        if plainMobile.utf8.count == 11, plainMobile.withUTF8({ bytes in
            bytes[0] == UInt8(ascii: "1") && bytes[1] >= UInt8(ascii: "3") && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }) {
            return plainMobile
        }
        var digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") })
        if digits.starts(with: Array("+86".utf8)) { digits.removeFirst(3) }
        let hyphen = digits.firstIndex(of: UInt8(ascii: "-"))
        let plain = digits.filter { $0 != UInt8(ascii: "-") }
        guard plain.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var mobile = plain
        if mobile.count == 13, mobile.starts(with: Array("86".utf8)) { mobile.removeFirst(2) }
        if hyphen == nil, mobile.count == 11, mobile[0] == UInt8(ascii: "1"), mobile[1] >= UInt8(ascii: "3") {
            return String(decoding: mobile, as: UTF8.self)
        }
        guard plain.first == UInt8(ascii: "0") else { return nil }
        // Landline: with a hyphen the split is given; without one, try 3- and 4-digit area codes.
        let areaLengths: [Int]
        if let hyphen {
            guard digits.filter({ $0 == UInt8(ascii: "-") }).count == 1 else { return nil }
            areaLengths = [hyphen]
        } else {
            areaLengths = [4, 3]
        }
        for area in areaLengths where (3...4).contains(area) {
            let local = plain.count - area
            if (7...8).contains(local), plain[area] != UInt8(ascii: "0") {
                return String(decoding: plain[0..<area], as: UTF8.self) + "-" + String(decoding: plain[area...], as: UTF8.self)
            }
        }
        return nil
    }
}
