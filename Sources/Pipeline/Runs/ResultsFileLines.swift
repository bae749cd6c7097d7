internal import Crypto
internal import Datasets
internal import Ingest

/// The lines of a results file, streamed (one chunk and one line in memory whatever the size),
/// each handed over as its bytes without the LF, with its 1-based number; the file's SHA-256 is
/// taken from the same reads. The contract is strict: UTF-8 without BOM, LF line ends.
final class ResultsFileLines {
    let path: String
    private let stream: FileByteStream
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var hasher = SHA256()
    private(set) var line = 0

    init(path: String) throws {
        self.path = path
        stream = try FileByteStream(path: path)
    }

    /// The next line's bytes (without LF); nil at the end of the file. A last line without LF
    /// counts as a line.
    func next<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T? {
        while true {
            let found = buffer.withUnsafeBufferPointer { buf -> Int? in
                var p = start
                while p < end {
                    if buf[p] == 0x0A { return p }
                    p += 1
                }
                return nil
            }
            if let newline = found {
                line += 1
                defer { start = newline + 1 }
                return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<newline])) }
            }
            if atEOF {
                guard start < end else { return nil }
                line += 1
                defer { start = end }
                return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
            }
            try refill()
        }
    }

    /// The SHA-256 of every byte read (call after the last line).
    func sha256() -> String {
        Hex.lowercase(hasher.finalize())
    }

    private func refill() throws {
        if start > 0 {
            buffer.withUnsafeMutableBufferPointer { buf in
                for i in start..<end { buf[i - start] = buf[i] }
            }
            end -= start
            start = 0
        }
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        let read = try buffer.withUnsafeMutableBytes { raw in
            try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        if read == 0 {
            atEOF = true
        } else {
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[end..<(end + read)])) }
            end += read
        }
    }
}
