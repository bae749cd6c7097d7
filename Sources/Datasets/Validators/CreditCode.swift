/// 统一社会信用代码 per GB 32100-2015: 18 characters from a 31-character set (no I O Z S V),
/// the last a check character over the first 17 with fixed weights.
public enum CreditCode {
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    /// Character value by ASCII byte; -1 for characters outside the set.
    static let values: [Int] = {
        var table = [Int](repeating: -1, count: 128)
        for (i, b) in alphabet.enumerated() { table[Int(b)] = i }
        return table
    }()

    public enum Problem: Error, Hashable, Sendable {
        case wrongLength(Int)
        /// A character outside the code's set (I, O, Z, S, V, lowercase, punctuation…).
        case badCharacter(Character)
        case badCheckDigit(expected: Character)
    }

    public static func checkCharacter(for first17: [UInt8]) -> Character? {
        var sum = 0
        for (b, w) in zip(first17, weights) {
            guard b < 128, values[Int(b)] >= 0 else { return nil }
            sum += values[Int(b)] * w
        }
        let check = (31 - sum % 31) % 31
        return Character(Unicode.Scalar(alphabet[check]))
    }

    /// Validates `text`; lowercase letters are accepted and normalised to uppercase.
    public static func validate(_ text: String) -> Result<String, Problem> {
        let upper = text.uppercased()
        let bytes = Array(upper.utf8)
        guard upper.count == 18, bytes.count == 18 else { return .failure(.wrongLength(text.count)) }
        for b in bytes where b >= 128 || values[Int(b)] < 0 {
            return .failure(.badCharacter(Character(Unicode.Scalar(b))))
        }
        guard let expected = checkCharacter(for: Array(bytes[0..<17])) else {
            return .failure(.badCharacter("?"))
        }
        guard Character(Unicode.Scalar(bytes[17])) == expected else {
            return .failure(.badCheckDigit(expected: expected))
        }
        return .success(upper)
    }
}
