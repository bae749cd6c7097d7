/// 公民身份号码 per GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit sequence
/// (odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
public struct ResidentIDNumber: Hashable, Sendable {
    public let text: String
    public let birthDate: Day
    /// 男 when the sequence digit is odd, 女 when even.
    public let gender: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [UInt8] = Array("10X98765432".utf8)

    /// Why a text is not an ID number.
    public enum Problem: Error, Hashable, Sendable {
        case wrongLength(Int)
        case badCharacter
        case unknownProvince(String)
        case badBirthDate(String)
        case badCheckDigit(expected: Character)
    }

    /// The check character for 17 digits (no validation of the digits themselves).
    public static func checkCharacter(for first17: some Sequence<UInt8>) -> Character {
        var sum = 0
        for (b, w) in zip(first17, weights) { sum += Int(b - UInt8(ascii: "0")) * w }
        return Character(Unicode.Scalar(checkCharacters[sum % 11]))
    }

    /// Validates `text` (a lowercase x is accepted and normalised to X).
    public static func validate(_ text: String, provinces: Set<Int>) -> Result<ResidentIDNumber, Problem> {
        validate(text, provinces: ProvinceCodes(provinces))
    }

    /// The same with the provinces as a bit set (the import's way: no hashing per row).
    public static func validate(_ text: String, provinces: ProvinceCodes) -> Result<ResidentIDNumber, Problem> {
        // Checked on the string's own UTF-8 bytes: the import validates one ID per row, and
        // copying it into arrays and substrings (three allocations) showed in its profile.
        var text = text
        guard text.utf8.count == 18 else { return .failure(.wrongLength(text.count)) }
        let checked = text.withUTF8 { check($0, provinces: provinces) }
        switch checked {
        case .failure(let problem):
            return .failure(problem)
        case .success(let parts):
            if parts.lowercaseX { text = String(decoding: text.utf8.dropLast(), as: UTF8.self) + "X" }
            return .success(ResidentIDNumber(text: text, birthDate: parts.birth, gender: parts.odd ? "男" : "女"))
        }
    }

    /// What the cross-field checks read of an ID: no text (a `String` of 18 bytes is a heap
    /// allocation, one per resident on the import's fast path, which stores the cell's bytes).
    public struct Parts: Sendable {
        public let birthDate: Day
        /// 男 or 女.
        public let gender: String

        public init(_ id: ResidentIDNumber) {
            birthDate = id.birthDate
            gender = id.gender
        }

        init(birthDate: Day, odd: Bool) {
            self.birthDate = birthDate
            gender = odd ? "男" : "女"
        }
    }

    /// The same checks on UTF-8 bytes for the import's fast path: the number's parts when
    /// `bytes` are one as written (upper-case X only, as stored), nil otherwise (the caller then
    /// takes `validate`'s way, for the normalisation or the message).
    public static func parts(utf8 bytes: UnsafeBufferPointer<UInt8>, provinces: ProvinceCodes) -> Parts? {
        guard bytes.count == 18, case .success(let parts) = check(bytes, provinces: provinces), !parts.lowercaseX else { return nil }
        return Parts(birthDate: parts.birth, odd: parts.odd)
    }

    /// The checks of 18 bytes, shared by both ways in.
    private static func check(
        _ bytes: UnsafeBufferPointer<UInt8>, provinces: ProvinceCodes
    ) -> Result<(birth: Day, lowercaseX: Bool, odd: Bool), Problem> {
        var last = bytes[17]
        let lowercaseX = last == UInt8(ascii: "x")
        if lowercaseX { last = UInt8(ascii: "X") }
        for i in 0..<17 where !(bytes[i] >= 0x30 && bytes[i] <= 0x39) { return .failure(.badCharacter) }
        guard (last >= 0x30 && last <= 0x39) || last == UInt8(ascii: "X") else { return .failure(.badCharacter) }
        let province = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        guard provinces.contains(province) else {
            return .failure(.unknownProvince(String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<2]), as: UTF8.self)))
        }
        let birthBytes = UnsafeBufferPointer(rebasing: bytes[6..<14])
        guard let birth = Day.parse(utf8: birthBytes) else {
            return .failure(.badBirthDate(String(decoding: birthBytes, as: UTF8.self)))
        }
        let expected = checkByte(for: UnsafeBufferPointer(rebasing: bytes[0..<17]))
        guard last == expected else { return .failure(.badCheckDigit(expected: Character(Unicode.Scalar(expected)))) }
        return .success((birth, lowercaseX, (bytes[16] - 0x30) % 2 == 1))
    }

    static func checkByte(for first17: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += Int(first17[i] - UInt8(ascii: "0")) * weights[i] }
        return checkCharacters[sum % 11]
    }
}
