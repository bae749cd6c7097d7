/// A parser for one JSON Lines record: a flat object whose values are strings, numbers,
/// true/false or null.
///
/// Hand-written rather than JSONSerialization or JSONDecoder: those turn numbers into Double,
/// and 0.1 元 must stay exactly 0.1 — here a number keeps its literal text and the schema's
/// exact decimal parser reads it. It also keeps undecodable bytes per value, so one bad value
/// quarantines one row (bad_encoding) rather than the file.
struct FlatJSONObject {
    enum Value: Equatable {
        case text(String)
        case undecodable(String)
        case null
    }

    struct SyntaxError: Error {
        var message: String
    }

    /// Parses `bytes`; calls `visit(key, value)` for each member in order.
    static func parse(_ bytes: [UInt8], visit: (String, Value) -> Void) throws {
        var p = Parser(bytes: bytes)
        p.skipSpace()
        guard p.take(UInt8(ascii: "{")) else { throw SyntaxError(message: "记录应为 JSON 对象（以 { 开头）") }
        p.skipSpace()
        if p.take(UInt8(ascii: "}")) {
            try p.expectEnd()
            return
        }
        while true {
            p.skipSpace()
            guard p.peek == UInt8(ascii: "\"") else { throw SyntaxError(message: "第 \(p.column) 个字符处应为用双引号括起的字段名") }
            let key = try p.string()
            p.skipSpace()
            guard p.take(UInt8(ascii: ":")) else { throw SyntaxError(message: "第 \(p.column) 个字符处应为冒号") }
            p.skipSpace()
            let value: Value
            switch p.peek {
            case UInt8(ascii: "\""):
                let raw = try p.stringBytes()
                value = String(validating: raw, as: UTF8.self).map(Value.text)
                    ?? .undecodable(String(decoding: raw, as: UTF8.self))
            case UInt8(ascii: "n"):
                try p.literal("null")
                value = .null
            case UInt8(ascii: "t"):
                try p.literal("true")
                value = .text("是")
            case UInt8(ascii: "f"):
                try p.literal("false")
                value = .text("否")
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                throw SyntaxError(message: "字段 \(key) 的值不能是对象或数组")
            default:
                value = .text(try p.number())
            }
            visit(String(validating: key, as: UTF8.self) ?? String(decoding: key, as: UTF8.self), value)
            p.skipSpace()
            if p.take(UInt8(ascii: ",")) { continue }
            if p.take(UInt8(ascii: "}")) { break }
            throw SyntaxError(message: "第 \(p.column) 个字符处应为逗号或 }")
        }
        try p.expectEnd()
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
        var column: Int { i + 1 }

        mutating func skipSpace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { i += 1 }
        }

        mutating func take(_ b: UInt8) -> Bool {
            guard peek == b else { return false }
            i += 1
            return true
        }

        mutating func expectEnd() throws {
            skipSpace()
            guard i == bytes.count else { throw SyntaxError(message: "对象结束后还有多余内容（第 \(column) 个字符）") }
        }

        mutating func literal(_ word: StaticString) throws {
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard bytes.count - i >= expected.count, bytes[i..<(i + expected.count)].elementsEqual(expected) else {
                throw SyntaxError(message: "第 \(column) 个字符处的值无法识别")
            }
            i += expected.count
        }

        mutating func number() throws -> String {
            let begin = i
            if peek == UInt8(ascii: "-") { i += 1 }
            var digits = 0
            while let b = peek, b >= 0x30, b <= 0x39 {
                i += 1
                digits += 1
            }
            if peek == UInt8(ascii: ".") {
                i += 1
                while let b = peek, b >= 0x30, b <= 0x39 { i += 1 }
            }
            if let e = peek, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                i += 1
                if let s = peek, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
                while let b = peek, b >= 0x30, b <= 0x39 { i += 1 }
            }
            guard digits > 0 else { throw SyntaxError(message: "第 \(begin + 1) 个字符处的值无法识别") }
            return String(decoding: bytes[begin..<i], as: UTF8.self)
        }

        mutating func string() throws -> [UInt8] {
            try stringBytes()
        }

        /// The unescaped bytes of a string literal (which starts at the current quote).
        mutating func stringBytes() throws -> [UInt8] {
            let begin = i
            i += 1
            var out: [UInt8] = []
            while let b = peek {
                i += 1
                switch b {
                case UInt8(ascii: "\""):
                    return out
                case UInt8(ascii: "\\"):
                    guard let e = peek else { break }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar), take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")) {
                            let low = try hex4()
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let s = Unicode.Scalar(scalar) else {
                            throw SyntaxError(message: "第 \(column) 个字符处的 \\u 转义不是有效字符")
                        }
                        out.append(contentsOf: Array(String(Character(s)).utf8))
                    default:
                        throw SyntaxError(message: "第 \(column) 个字符处的转义 \\\(Character(Unicode.Scalar(e))) 无效")
                    }
                default:
                    out.append(b)
                }
            }
            throw SyntaxError(message: "从第 \(begin + 1) 个字符开始的字符串没有结束引号")
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - i >= 4 else { throw SyntaxError(message: "\\u 转义不完整") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                i += 1
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: throw SyntaxError(message: "\\u 转义中有非十六进制字符")
                }
                value = value * 16 + digit
            }
            return value
        }
    }
}
