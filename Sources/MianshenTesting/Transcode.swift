#if canImport(Glibc)
import Glibc
#endif

/// Test helper: text re-encoded with glibc's iconv (e.g. to GB18030), as district systems export it.
public enum Transcode {
    public static func encode(_ text: String, to encoding: String) -> [UInt8] {
        guard let cd = iconv_open(encoding, "UTF-8"), cd != iconv_t(bitPattern: -1) else { return [] }
        defer { iconv_close(cd) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 4 + 16)
        let produced = input.withUnsafeMutableBufferPointer { inBuf -> Int in
            output.withUnsafeMutableBufferPointer { outBuf -> Int in
                var inPtr = inBuf.baseAddress
                var inLeft = inBuf.count
                var outPtr = outBuf.baseAddress
                var outLeft = outBuf.count
                _ = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return outBuf.count - outLeft
            }
        }
        return output[0..<produced].map { UInt8(bitPattern: $0) }
    }
}
