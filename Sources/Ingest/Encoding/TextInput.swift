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
}
