/// Opens a text file as a UTF-8 byte stream: as it is when it is UTF-8, through iconv when it
/// is GB18030; detected (BOM → valid UTF-8 → GB18030) unless the user says which.
public enum TextInput {
    public static func open(path: String, encoding: TextEncoding?) throws -> (stream: any ByteStream, encoding: TextEncoding) {
        let chosen = try encoding ?? EncodingDetector.detect(path: path).encoding
        let file = try FileByteStream(path: path)
        switch chosen {
        case .utf8: return (file, .utf8)
        case .gb18030: return (try TranscodingByteStream(source: file, from: .gb18030, path: path), .gb18030)
        }
    }

    /// A whole (small) file as UTF-8 bytes, detected and transcoded as `open` does (a UTF-8 BOM
    /// is kept): for files read at once, such as the statuses sent back to us.
    public static func readAll(path: String, encoding: TextEncoding? = nil) throws -> [UInt8] {
        let (stream, _) = try open(path: path, encoding: encoding)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
