/// Masks personal data for logs and human output: 4101**********1234, 张*, 138****5678.
public enum Masking {
    public static func mask(_ value: String, as kind: PersonalData?) -> String {
        guard let kind, !value.isEmpty else { return value }
        switch kind {
        case .idNumber: return maskID(value)
        case .name: return maskName(value)
        case .phone: return maskPhone(value)
        }
    }

    /// Keeps the first 4 and last 4 characters of an ID number (or any code longer than 8).
    public static func maskID(_ value: String) -> String {
        let chars = Array(value)
        guard chars.count > 8 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(4)) + String(repeating: "*", count: chars.count - 8) + String(chars.suffix(4))
    }

    /// Keeps the surname's first character: 张三 → 张*, 欧阳娜娜 → 欧***.
    public static func maskName(_ value: String) -> String {
        guard let first = value.first else { return value }
        return String(first) + String(repeating: "*", count: max(1, value.count - 1))
    }

    /// Keeps the first 3 and last 4 digits of a mobile; landlines keep the area code and last 2.
    public static func maskPhone(_ value: String) -> String {
        let chars = Array(value)
        if let hyphen = chars.firstIndex(of: "-") {
            let local = chars.count - hyphen - 1
            return String(chars[...hyphen]) + String(repeating: "*", count: max(0, local - 2)) + String(chars.suffix(2))
        }
        guard chars.count >= 8 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }
}
