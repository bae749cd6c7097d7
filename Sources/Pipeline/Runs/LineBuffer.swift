/// A reused byte buffer for writing millions of CSV lines: handed to `write` in pieces of about a
/// megabyte, so neither a string per line nor the whole file is ever held.
struct LineBuffer {
    private var storage: [UInt8]
    private var count = 0
    private let write: (UnsafeRawBufferPointer) -> Void
    private static let piece = 1 << 20

    init(_ write: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.write = write
        storage = [UInt8](repeating: 0, count: Self.piece + 4096)
    }

    /// Room for `bytes` more, flushing first when the piece is full.
    mutating func reserve(_ bytes: Int) {
        if count + bytes > storage.count {
            flush()
            if bytes > storage.count { storage = [UInt8](repeating: 0, count: bytes) }
        } else if count >= Self.piece {
            flush()
        }
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        let at = count
        storage.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let source = bytes.baseAddress else { return }
            (base + at).update(from: source, count: bytes.count)
        }
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// 分 as 元 with two decimals, as `ResultsExport.yuan(_:)` writes it: 89250 → 892.50.
    mutating func appendYuan(_ fen: Int64) {
        reserve(24)
        if fen < 0 { append(UInt8(ascii: "-")) }
        let magnitude = fen.magnitude
        let whole = magnitude / 100
        var divisor: UInt64 = 1
        while divisor <= whole / 10 { divisor *= 10 }
        while divisor > 0 {
            storage[count] = UInt8(ascii: "0") + UInt8(whole / divisor % 10)
            count += 1
            divisor /= 10
        }
        storage[count] = UInt8(ascii: ".")
        storage[count + 1] = UInt8(ascii: "0") + UInt8(magnitude % 100 / 10)
        storage[count + 2] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        count += 3
    }

    mutating func flush() {
        guard count > 0 else { return }
        storage.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        count = 0
    }
}

/// A population's ids as one contiguous UTF-8 buffer with offsets (one allocation, not one
/// array per id).
struct IDBytes {
    let bytes: [UInt8]
    private let offsets: [Int]

    init(_ ids: [String]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 18)
        var offsets = [0]
        offsets.reserveCapacity(ids.count + 1)
        for id in ids {
            bytes.append(contentsOf: id.utf8)
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    var count: Int { offsets.count - 1 }
    func range(_ index: Int) -> Range<Int> { offsets[index]..<offsets[index + 1] }
    func length(_ index: Int) -> Int { offsets[index + 1] - offsets[index] }
}
