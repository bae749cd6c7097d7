internal import Datasets

/// A reused byte buffer for writing millions of CSV lines: handed to `write` in pieces of about a
/// megabyte, so neither a string per line nor the whole file is ever held. Raw memory rather
/// than an array: the per-append uniqueness and bounds checks of `[UInt8]` were a fifth of the
/// results hash at 1 M residents (perf), and every append is preceded by a `reserve`.
final class LineBuffer {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private let write: (UnsafeRawBufferPointer) -> Void
    /// When set, a full piece is handed over instead of written (no copy): the buffer given back,
    /// of `standardCapacity`, is the one to go on in (see `HashPipe.exchange`).
    private let exchange: ((UnsafeMutablePointer<UInt8>, Int) -> UnsafeMutablePointer<UInt8>)?
    private static let piece = 1 << 20
    static let standardCapacity = piece + 4096

    init(
        _ write: @escaping (UnsafeRawBufferPointer) -> Void,
        exchange: ((UnsafeMutablePointer<UInt8>, Int) -> UnsafeMutablePointer<UInt8>)? = nil
    ) {
        self.write = write
        self.exchange = exchange
        capacity = Self.standardCapacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Room for `bytes` more, flushing first when the piece is full.
    func reserve(_ bytes: Int) {
        if count + bytes > capacity || count >= Self.piece { flush() }
        if bytes > capacity {
            storage.deallocate()
            capacity = bytes
            storage = .allocate(capacity: capacity)
        }
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        guard let source = bytes.baseAddress else { return }
        (storage + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Two runs of bytes, one after the other, with one check for room (a results row: its id,
    /// then what follows the id).
    func append(_ first: UnsafePointer<UInt8>, count firstCount: Int, then second: UnsafePointer<UInt8>, count secondCount: Int) {
        reserve(firstCount + secondCount)
        (storage + count).update(from: first, count: firstCount)
        (storage + count + firstCount).update(from: second, count: secondCount)
        count += firstCount + secondCount
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    /// 分 as 元 with two decimals, as `ResultsExport.yuan(_:)` writes it: 89250 → 892.50.
    func appendYuan(_ fen: Int64) {
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

    func flush() {
        guard count > 0 else { return }
        if let exchange, capacity == Self.standardCapacity {
            storage = exchange(storage, count)
        } else {
            write(UnsafeRawBufferPointer(start: storage, count: count))
        }
        count = 0
    }
}
