/// Splits a byte stream into physical lines (LF or CRLF), counting them from 1 and dropping a
/// leading UTF-8 BOM. The line's bytes are valid until the next call.
final class LineReader {
    private let stream: any ByteStream
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var done = false
    private var checkedBOM = false
    private(set) var lineNumber = 0
    private(set) var line: [UInt8] = []

    init(stream: any ByteStream, chunkSize: Int = 1 << 20) {
        self.stream = stream
        buffer = [UInt8](repeating: 0, count: max(16, chunkSize))
    }

    var bytesRead: Int { stream.bytesConsumed }

    /// Reads the next line into `line`; false at the end.
    func next() throws -> Bool {
        line.removeAll(keepingCapacity: true)
        while true {
            if start == end {
                if done { return finishLast() }
                let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
                start = 0
                end = count
                if count == 0 {
                    done = true
                    return finishLast()
                }
                if !checkedBOM {
                    checkedBOM = true
                    if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
                }
            }
            if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
                line.append(contentsOf: buffer[start..<newline])
                start = newline + 1
                lineNumber += 1
                if line.last == 0x0D { line.removeLast() }
                return true
            }
            line.append(contentsOf: buffer[start..<end])
            start = end
        }
    }

    private func finishLast() -> Bool {
        guard !line.isEmpty else { return false }
        lineNumber += 1
        if line.last == 0x0D { line.removeLast() }
        return true
    }
}
