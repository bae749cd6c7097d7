/// A stored row (`StoredRowTable.Packed`) in 17 bytes: flags, row fingerprint and raw
/// fingerprint (little-endian) back to back, with no padding, as each slot of the stored rows'
/// file (`StoredSlots`) and of the stored-rows snapshot (`StoredRowsSnapshot`) starts. Its stride
/// would be 24 bytes; a row sits in one or two cache lines, read by unaligned loads.
enum PackedRows {
    static let stride = 17

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
