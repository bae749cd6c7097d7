#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A streaming RFC 4180 reader over a byte stream (a file, or a file transcoded to UTF-8):
/// quoted fields with embedded commas, doubled quotes
/// and newlines; CRLF or LF; an optional UTF-8 BOM; blank lines skipped. Memory stays at one
/// chunk plus one record whatever the file size.
///
/// Hand-written rather than SwiftCSV or CSV.swift: we need the physical line where each
/// record starts (quarantine names it), to read a truncated last record as a short record
/// instead of failing the file, and to keep undecodable bytes per cell so one bad cell
/// quarantines one row (bad_encoding) instead of stopping the file. It is also an order of
/// magnitude faster. Benchmark (release, 2 cores, 2026-11-27): reading all 18 cells of the
/// 1,000,000 generated residents (138 MB) as Strings took 1.05 s and 17 MiB here, 14.65 s
/// and 19 MiB with CSV.swift 2.5.2 (`CSVReader(stream:)`), and 25.4 s and 1.4 GiB with
/// SwiftCSV 0.10.0 (`EnumeratedCSV`, which loads the whole file).
///
/// A stray quote (a cell that opens `"` and never closes) makes the rest of the file one
/// record. So from the first line break inside quotes until the record ends, the raw bytes are
/// also kept aside (`replay`); that is the rare case of a multi-line cell, and ordinary records
/// copy nothing more. When such a record turns out to have the wrong number of fields, its
/// reader calls `resumeAfterFirstLine()` and reading goes on at the record's second physical
/// line from the kept bytes: only the error case re-scans, and nothing is read twice from disk.
public final class CSVReader {
    private let stream: any ByteStream
    private var buffer: [UInt8]
    private let chunkSize: Int
    private var position = 0
    private var end = 0
    private var atEOF = false
    private var checkedBOM = false
    private var line = 1
    /// The raw bytes of the current record after its first physical line, kept only while a
    /// quoted field has run past that line (see the type's comment).
    private var replay: [UInt8] = []
    private var capturing = false
    /// Bytes of the file consumed so far, for progress.
    public var bytesRead: Int { stream.bytesConsumed }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    public init(stream: any ByteStream, chunkSize: Int = 1 << 20) {
        self.stream = stream
        self.chunkSize = max(chunkSize, 16)
        buffer = [UInt8](repeating: 0, count: self.chunkSize)
    }

    /// Reads a UTF-8 file as it is.
    public convenience init(path: String, chunkSize: Int = 1 << 20) throws {
        self.init(stream: try FileByteStream(path: path), chunkSize: chunkSize)
    }

    /// Reads the next record into `record`; false at the end of the file.
    public func next(into record: inout CSVRecord) throws -> Bool {
        record.reset()
        if capturing || !replay.isEmpty {
            capturing = false
            replay = []
        }
        var state = State.fieldStart
        var started = false
        while true {
            if position == end {
                guard try refill() else {
                    guard started else { return false }
                    record.ends.append(record.bytes.count)
                    return true
                }
            }
            var p = position
            var lineNumber = line
            var capture = capturing
            var captureFrom = position
            let complete = buffer.withUnsafeBufferPointer { buf -> Bool in
                let e = end
                while p < e {
                    if !started {
                        // Blank line (LF or CRLF): skip it, counting the line.
                        let b = buf[p]
                        if b == 0x0A {
                            lineNumber += 1
                            p += 1
                            continue
                        }
                        if b == 0x0D {
                            p += 1
                            continue
                        }
                        started = true
                        record.startLine = lineNumber
                        // The common record: one line without a quote, whole in the buffer.
                        if let lineEnd = Self.plainLineEnd(buf, from: p, to: e) {
                            Self.take(UnsafeBufferPointer(rebasing: buf[p..<lineEnd]), into: &record)
                            lineNumber += 1
                            p = lineEnd + 1
                            return true
                        }
                    }
                    switch state {
                    case .fieldStart, .unquoted:
                        if state == .fieldStart, buf[p] == 0x22 {
                            state = .quoted
                            p += 1
                            continue
                        }
                        // Copy the run of ordinary bytes in one go, up to a delimiter.
                        let runStart = p
                        while p < e, buf[p] != 0x2C, buf[p] != 0x0A { p += 1 }
                        if p > runStart {
                            record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<p]))
                            state = .unquoted
                        }
                        guard p < e else { return false }
                        let b = buf[p]
                        p += 1
                        if b == 0x2C {
                            record.ends.append(record.bytes.count)
                            state = .fieldStart
                        } else {
                            lineNumber += 1
                            if record.bytes.count > (record.ends.last ?? 0), record.bytes.last == 0x0D {
                                record.bytes.removeLast()
                            }
                            record.ends.append(record.bytes.count)
                            return true
                        }
                    case .quoted:
                        let runStart = p
                        while p < e, buf[p] != 0x22 {
                            if buf[p] == 0x0A {
                                lineNumber += 1
                                if !capture {
                                    // The record's first line ends inside this quoted field.
                                    capture = true
                                    captureFrom = p + 1
                                    record.openQuoteField = record.ends.count
                                }
                            }
                            p += 1
                        }
                        if p > runStart {
                            record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<p]))
                        }
                        guard p < e else { return false }
                        p += 1
                        state = .quoteInQuoted
                    case .quoteInQuoted:
                        let b = buf[p]
                        p += 1
                        switch b {
                        case 0x22:
                            record.bytes.append(b)
                            state = .quoted
                        case 0x2C:
                            record.ends.append(record.bytes.count)
                            state = .fieldStart
                        case 0x0A:
                            lineNumber += 1
                            record.ends.append(record.bytes.count)
                            return true
                        case 0x0D:
                            continue
                        default:
                            // Text after a closing quote ("ab"c): kept as written, leniently.
                            record.bytes.append(b)
                            state = .unquoted
                        }
                    }
                }
                return false
            }
            if capture {
                replay.append(contentsOf: buffer[captureFrom..<p])
                capturing = true
            }
            position = p
            line = lineNumber
            if complete { return true }
        }
    }

    /// Where the line starting at `start` ends (its LF), when it has no quote and ends before
    /// `end`; nil otherwise (the byte-by-byte way then reads it). libc's `memchr` finds the LF,
    /// then looks for a quote before it, many bytes at a time (a byte loop comparing each with
    /// both was most of `next`'s CPU on a night's reading thread).
    @inline(__always)
    private static func plainLineEnd(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let base = buf.baseAddress,
              let lf = memchr(base + start, 0x0A, end - start) else { return nil }
        let lineEnd = base.distance(to: lf.assumingMemoryBound(to: UInt8.self))
        return memchr(base + start, 0x22, lineEnd - start) == nil ? lineEnd : nil
    }

    /// A plain line (no quote, LF not included) as a record: its bytes copied at once and the
    /// commas taken out in place, a CR before the LF dropped, exactly as the byte-by-byte way
    /// reads it. One copy instead of one per cell: the reading thread is what a night's import
    /// waits on (its appends were a quarter of that thread in perf).
    private static func take(_ line: UnsafeBufferPointer<UInt8>, into record: inout CSVRecord) {
        var line = line
        if line.last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        var ends: [Int] = []
        swap(&ends, &record.ends)
        let base = record.bytes.count
        record.bytes.append(contentsOf: line)
        let kept = record.bytes.withUnsafeMutableBufferPointer { bytes -> Int in
            var w = base
            for r in base..<bytes.count {
                let b = bytes[r]
                if b == 0x2C {
                    ends.append(w)
                } else {
                    bytes[w] = b
                    w += 1
                }
            }
            return w
        }
        ends.append(kept)
        record.bytes.removeLast(record.bytes.count - kept)
        swap(&ends, &record.ends)
    }

    /// Goes back to the second physical line of the record just read, which must have run past
    /// its first line inside quotes (`openQuoteField` set): the caller quarantines that first
    /// line, and the next record starts on the line after it. Returns false (and does nothing)
    /// for a record on one line.
    public func resumeAfterFirstLine(of record: CSVRecord) -> Bool {
        guard record.openQuoteField != nil, capturing else { return false }
        var rest = replay
        rest.append(contentsOf: buffer[position..<end])
        buffer = rest
        position = 0
        end = rest.count
        line = record.startLine + 1
        replay = []
        capturing = false
        return true
    }

    /// Reads the next chunk; false at end of file.
    private func refill() throws -> Bool {
        guard !atEOF else { return false }
        // After a resume the buffer held the kept bytes; read chunks of the usual size again.
        if buffer.count != chunkSize { buffer = [UInt8](repeating: 0, count: chunkSize) }
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        guard count > 0 else {
            atEOF = true
            return false
        }
        position = 0
        end = count
        if !checkedBOM {
            checkedBOM = true
            if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
        }
        return true
    }
}
