/// Lower-case hex of bytes (hashes as the ledger, review items and audit log show them).
public enum Hex {
    /// From bytes in place (a string per byte made this a tenth of a run's review pass, which
    /// hashes every unknown row: 142 k at 1 M residents).
    public static func lowercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let digits = Array("0123456789abcdef".utf8)
}
