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
        var bytes = Array(text.utf8)
        guard bytes.count == 18 else { return .failure(.wrongLength(text.count)) }
        if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        for (i, b) in bytes.enumerated() {
            let digit = b >= 0x30 && b <= 0x39
            guard digit || (i == 17 && b == UInt8(ascii: "X")) else { return .failure(.badCharacter) }
        }
        let province = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        guard provinces.contains(province) else {
            return .failure(.unknownProvince(String(decoding: bytes[0..<2], as: UTF8.self)))
        }
        let birthText = String(decoding: bytes[6..<14], as: UTF8.self)
        guard let birth = Day.parse(birthText) else { return .failure(.badBirthDate(birthText)) }
        let expected = checkCharacter(for: bytes[0..<17])
        guard Character(Unicode.Scalar(bytes[17])) == expected else {
            return .failure(.badCheckDigit(expected: expected))
        }
        let sequence = Int(bytes[16] - 0x30)
        return .success(ResidentIDNumber(
            text: String(decoding: bytes, as: UTF8.self), birthDate: birth, gender: sequence % 2 == 1 ? "男" : "女"
        ))
    }
}
