/// The stored rows of a `StoredRowTable`, by slot, in 17 bytes each: flags, row fingerprint and
/// raw fingerprint (little-endian) back to back, with no padding — the same 17 bytes a slot of
/// the stored-rows snapshot starts with (`StoredRowsSnapshot`, which writes and reads them
/// here). An array of `StoredRowTable.Packed` took 24 bytes a row (its stride), 7 MB more at 1 M
/// residents and 28 MB at 4 M; a row still sits in one or two cache lines, read by unaligned
/// loads.
struct PackedRows: Sendable, Equatable {
    static let stride = 17
    private var bytes: [UInt8]
    let count: Int

    /// `count` empty slots (no row in any).
    init(count: Int) {
        self.count = count
        bytes = [UInt8](repeating: 0, count: count * Self.stride)
    }

    var indices: Range<Int> { 0..<count }

    subscript(slot: Int) -> StoredRowTable.Packed {
        get {
            precondition(slot >= 0 && slot < count, "slot out of range")
            return bytes.withUnsafeBytes { Self.load($0, at: slot * Self.stride) }
        }
        set {
            precondition(slot >= 0 && slot < count, "slot out of range")
            bytes.withUnsafeMutableBytes { Self.store(newValue, $0, at: slot * Self.stride) }
        }
    }

    /// `body` with a sink that threads may write disjoint slots through at once (a scan in two
    /// halves); the sink must not outlive the call.
    mutating func withSink<R>(_ body: (Sink) throws -> R) rethrows -> R {
        let count = count
        return try bytes.withUnsafeMutableBytes { try body(Sink(buffer: $0, count: count)) }
    }

    struct Sink: @unchecked Sendable {
        fileprivate let buffer: UnsafeMutableRawBufferPointer
        let count: Int

        func set(_ slot: Int, _ row: StoredRowTable.Packed) {
            precondition(slot >= 0 && slot < count, "slot out of range")
            PackedRows.store(row, buffer, at: slot * PackedRows.stride)
        }
    }

    /// The row whose 17 bytes start at `offset` of `buffer`.
    @inline(__always)
    static func load(_ buffer: UnsafeRawBufferPointer, at offset: Int) -> StoredRowTable.Packed {
        StoredRowTable.Packed(
            fingerprint: Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset + 1, as: Int64.self)),
            rawFingerprint: Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset + 9, as: Int64.self)),
            flags: buffer[offset]
        )
    }

    /// Writes `row`'s 17 bytes at `offset` of `buffer`.
    @inline(__always)
    static func store(_ row: StoredRowTable.Packed, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer[offset] = row.flags
        buffer.storeBytes(of: row.fingerprint.littleEndian, toByteOffset: offset + 1, as: Int64.self)
        buffer.storeBytes(of: row.rawFingerprint.littleEndian, toByteOffset: offset + 9, as: Int64.self)
    }
}
