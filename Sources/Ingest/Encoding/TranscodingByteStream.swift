#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Decodes a stream to UTF-8 chunk by chunk with glibc's iconv (Foundation's non-UTF-8
/// decoding on Linux is incomplete and wants whole buffers). A byte sequence that cannot be
/// decoded becomes the single byte 0xFF, which is never valid UTF-8: the reader then finds
/// that one cell undecodable and quarantines its row (bad_encoding) while the import goes
/// on. Delimiters and newlines are ASCII and GB18030 never uses them inside a character, so
/// record boundaries and line numbers survive the conversion.
public final class TranscodingByteStream: ByteStream {
    private let source: any ByteStream
    private let converter: iconv_t
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceDone = false

    public init(source: any ByteStream, from encoding: TextEncoding, path: String) throws {
        self.source = source
        guard let cd = iconv_open("UTF-8", encoding.iconvName), cd != iconv_t(bitPattern: -1) else {
            throw IngestError.readFailed(path: path, reason: "系统不支持 \(encoding.rawValue) 编码转换（iconv）")
        }
        converter = cd
        input = [UInt8](repeating: 0, count: 1 << 20)
    }

    deinit {
        iconv_close(converter)
    }

    public var bytesConsumed: Int { source.bytesConsumed }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count >= 8 else { return 0 }
        var produced = 0
        while produced == 0 {
            if inputStart == inputEnd || (inputEnd - inputStart < 4 && !sourceDone) {
                try refill()
            }
            if inputStart == inputEnd { return 0 }
            produced = convert(into: buffer)
        }
        return produced
    }

    /// Moves unread input to the front and reads more from the source.
    private func refill() throws {
        guard !sourceDone else { return }
        let pending = inputEnd - inputStart
        if pending > 0, inputStart > 0 {
            input.withUnsafeMutableBufferPointer { p in
                guard let base = p.baseAddress else { return }
                memmove(base, base + inputStart, pending)
            }
        }
        inputStart = 0
        inputEnd = pending
        let count = try input.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[pending...]))
        }
        if count == 0 { sourceDone = true }
        inputEnd += count
    }

    /// Converts as much input as fits; returns the bytes written.
    private func convert(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let outBase = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else { return 0 }
        var outPointer: UnsafeMutablePointer<CChar>? = outBase
        var outLeft = buffer.count
        input.withUnsafeMutableBytes { raw in
            guard let inBase = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return }
            var inPointer: UnsafeMutablePointer<CChar>? = inBase + inputStart
            var inLeft = inputEnd - inputStart
            while inLeft > 0, outLeft > 0 {
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                if result != -1 { break }
                let error = errno
                if error == E2BIG { break }
                if error == EINVAL, !sourceDone { break }
                // EILSEQ, or an incomplete sequence at the very end: one marker byte, skip one byte.
                outPointer?.pointee = CChar(bitPattern: 0xFF)
                outPointer = outPointer.map { $0 + 1 }
                outLeft -= 1
                inPointer = inPointer.map { $0 + 1 }
                inLeft -= 1
            }
            inputStart = inputEnd - inLeft
        }
        return buffer.count - outLeft
    }
}
