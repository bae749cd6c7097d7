/// A population's ids as one contiguous UTF-8 buffer, each followed by a line end, with
/// offsets (one allocation, not one array per id): the CSV's id cells and the population's hash
/// come from the same bytes.
public struct IDBytes: Sendable {
    public let bytes: [UInt8]
    private let offsets: [Int]

    /// The ids of a text list stored end to end (`source[offsets[i] ..< offsets[i + 1]]` is id
    /// `i`, as a column cache keeps keys): one pass over bytes already in order, where the same
    /// from a million strings reads each string's storage wherever it lies (0.1 s of every run
    /// at 1 M residents). Nil when an offset lies outside `source` or goes back.
    public init?(concatenated source: UnsafeRawBufferPointer, offsets sourceOffsets: [Int]) {
        guard let last = sourceOffsets.last, let first = sourceOffsets.first, first >= 0, last <= source.count else { return nil }
        let count = sourceOffsets.count - 1
        var offsets = [Int](repeating: 0, count: count + 1)
        var ok = true
        let total = last - first + count
        bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            var at = 0
            for i in 0..<count {
                let start = sourceOffsets[i], end = sourceOffsets[i + 1]
                guard start <= end, let from = source.baseAddress, let to = out.baseAddress else {
                    ok = false
                    break
                }
                (to + at).initialize(from: (from + start).assumingMemoryBound(to: UInt8.self), count: end - start)
                at += end - start
                out[at] = 0x0A
                at += 1
                offsets[i + 1] = at
            }
            initialized = ok ? total : 0
        }
        guard ok else { return nil }
        self.offsets = offsets
    }

    public init(_ ids: [String]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 19)
        var offsets = [0]
        offsets.reserveCapacity(ids.count + 1)
        for id in ids {
            bytes.appendUTF8(id)
            bytes.append(0x0A)
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    public var count: Int { offsets.count - 1 }
    /// The id's bytes (without its line end).
    public func range(_ index: Int) -> Range<Int> { offsets[index]..<(offsets[index + 1] - 1) }
    public func length(_ index: Int) -> Int { offsets[index + 1] - offsets[index] - 1 }

    /// The bytes and the offsets (`count + 1` of them; each id ends one byte before the next
    /// offset, at its line end), for loops over millions of ids.
    public func withUnsafeBuffers<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in try offsets.withUnsafeBufferPointer { try body(bytes, $0) } }
    }

    /// The ids one per line, without the last line end.
    public var joined: ArraySlice<UInt8> { bytes[0..<max(0, bytes.count - 1)] }
}
