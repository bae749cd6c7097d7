/// Check characters of the national codes, computed on bytes.
enum Codes {
    static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let idCheckCharacters = Array("10X98765432".utf8)

    /// GB 11643-1999 (ISO 7064 MOD 11-2) over the first 17 digits of `id`.
    @inline(__always)
    static func idCheck(_ id: [UInt8], from start: Int = 0) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += Int(id[start + i] &- 0x30) * idWeights[i] }
        return idCheckCharacters[sum % 11]
    }

    static let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let usccValues: [Int] = {
        var table = [Int](repeating: -1, count: 128)
        for (i, b) in usccAlphabet.enumerated() { table[Int(b)] = i }
        return table
    }()

    /// GB 32100-2015 over the first 17 characters of `code`.
    static func usccCheck(_ code: [UInt8]) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += usccValues[Int(code[i])] * usccWeights[i] }
        return usccAlphabet[(31 - sum % 31) % 31]
    }

    /// GB 11714-1997 organisation code check character over 8 digits/letters (digits here).
    static func organisationCheck(_ digits: ArraySlice<UInt8>) -> UInt8 {
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (b, w) in zip(digits, weights) { sum += Int(b &- 0x30) * w }
        let c = 11 - sum % 11
        switch c {
        case 10: return UInt8(ascii: "X")
        case 11: return UInt8(ascii: "0")
        default: return UInt8(c) + 0x30
        }
    }
}
