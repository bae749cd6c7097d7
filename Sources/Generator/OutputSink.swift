import Glibc

/// Transcodes UTF-8 to GB18030 with glibc iconv, chunk by chunk; an incomplete UTF-8 sequence
/// at the end of a chunk is carried over to the next.
final class GB18030Encoder {
    private let descriptor: iconv_t
    private var carry: [UInt8] = []

    init() throws {
        let cd = iconv_open("GB18030", "UTF-8")
        guard let cd, Int(bitPattern: cd) != -1 else {
            throw FixtureError("无法创建 UTF-8 → GB18030 转码器（iconv_open 失败：\(String(cString: strerror(errno)))）。")
        }
        descriptor = cd
    }

    deinit {
        iconv_close(descriptor)
    }

    /// Appends the GB18030 encoding of `input` (preceded by any carried bytes) to `output`.
    func transcode(_ input: [UInt8], into output: inout [UInt8], final: Bool) throws {
        var source = carry
        carry.removeAll(keepingCapacity: true)
        source.append(contentsOf: input)
        guard !source.isEmpty else { return }
        var target = [UInt8](repeating: 0, count: source.count + 64)
        var consumed = 0
        var produced = 0
        let total = source.count
        while consumed < total {
            let capacity = target.count
            let status: (result: Int, error: Int32, inLeft: Int, outLeft: Int) = source.withUnsafeMutableBytes { inRaw in
                target.withUnsafeMutableBytes { outRaw in
                    var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!
                        .advanced(by: consumed).assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!
                        .advanced(by: produced).assumingMemoryBound(to: CChar.self)
                    var inLeft = total - consumed
                    var outLeft = capacity - produced
                    let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (result, result == -1 ? errno : 0, inLeft, outLeft)
                }
            }
            consumed = total - status.inLeft
            produced = capacity - status.outLeft
            if status.result != -1 { break }
            switch status.error {
            case E2BIG:
                target.append(contentsOf: repeatElement(0, count: max(64, total - consumed)))
            case EINVAL where !final:
                carry.append(contentsOf: source[consumed...])
                consumed = total
            default:
                throw FixtureError("转码为 GB18030 失败：第 \(consumed) 字节处的字符无法转换（\(String(cString: strerror(status.error)))）。")
            }
        }
        output.append(contentsOf: target[0..<produced])
    }
}

/// A data file being written: records are assembled as UTF-8 in a large buffer that is written
/// (after transcoding, for GB18030) whenever it exceeds the chunk size.
final class OutputSink {
    static let chunkSize = 4 << 20

    let path: String
    /// UTF-8 text not yet written.
    var staged: [UInt8] = []
    private var encoded: [UInt8] = []
    private let encoder: GB18030Encoder?
    private var file: UnsafeMutablePointer<FILE>?
    private(set) var bytesWritten = 0

    init(path: String, encoding: FixtureEncoding) throws {
        self.path = path
        encoder = encoding == .gb18030 ? try GB18030Encoder() : nil
        guard let file = fopen(path, "wb") else {
            throw FixtureError("无法创建文件 \(path)：\(String(cString: strerror(errno)))。")
        }
        self.file = file
        staged.reserveCapacity(Self.chunkSize + 65_536)
        if encoder != nil { encoded.reserveCapacity(Self.chunkSize + 65_536) }
    }

    deinit {
        if let file { fclose(file) }
    }

    /// Writes the staged text once it exceeds the chunk size; call between records.
    @inline(__always)
    func flushIfFull() throws {
        if staged.count >= Self.chunkSize { try flush(final: false) }
    }

    /// Appends a byte that must reach the file as is, after transcoding (a deliberately invalid
    /// byte inside a value).
    func appendRaw(_ byte: UInt8) throws {
        if let encoder {
            try encoder.transcode(staged, into: &encoded, final: false)
            staged.removeAll(keepingCapacity: true)
            encoded.append(byte)
        } else {
            staged.append(byte)
        }
    }

    func flush(final: Bool) throws {
        if let encoder {
            try encoder.transcode(staged, into: &encoded, final: final)
            staged.removeAll(keepingCapacity: true)
            try write(encoded)
            encoded.removeAll(keepingCapacity: true)
        } else {
            try write(staged)
            staged.removeAll(keepingCapacity: true)
        }
    }

    /// Flushes everything and closes the file.
    func close() throws {
        try flush(final: true)
        guard let file else { return }
        self.file = nil
        if fclose(file) != 0 {
            throw FixtureError("写入文件 \(path) 失败：\(String(cString: strerror(errno)))。")
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty, let file else { return }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else {
            throw FixtureError("写入文件 \(path) 失败：\(String(cString: strerror(errno)))。")
        }
        bytesWritten += written
    }
}
