/// Decides a file's encoding when the user did not say: a UTF-8 BOM means UTF-8; otherwise
/// bytes that read as valid UTF-8 mean UTF-8; otherwise GB18030.
///
/// "Valid UTF-8" is judged on evidence, not perfection: a UTF-8 file with one damaged cell
/// must stay UTF-8 (that cell is quarantined as bad_encoding), while GB18030 text almost never
/// forms valid multi-byte UTF-8. So the detector reads until it has seen enough non-ASCII
/// sequences (or the end) and picks UTF-8 when valid sequences outnumber invalid ones.
public enum EncodingDetector {
    /// How many non-ASCII sequences are enough to decide.
    static let enoughEvidence = 256

    public static func detect(path: String) throws -> (encoding: TextEncoding, hasBOM: Bool) {
        let stream = try FileByteStream(path: path)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var valid = 0
        var invalid = 0
        var first = true
        var carry: [UInt8] = []
        while valid + invalid < enoughEvidence {
            let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            if count == 0 { break }
            var bytes = carry + buffer[0..<count]
            if first {
                first = false
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, true) }
            }
            carry = []
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 {
                    i += 1
                    continue
                }
                let length = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0
                if length == 0 {
                    invalid += 1
                    i += 1
                    continue
                }
                if i + length > bytes.count {
                    carry = Array(bytes[i...])
                    break
                }
                if bytes[(i + 1)..<(i + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) {
                    valid += 1
                    i += length
                } else {
                    invalid += 1
                    i += 1
                }
            }
            bytes.removeAll()
        }
        return (valid >= invalid ? .utf8 : .gb18030, false)
    }
}
