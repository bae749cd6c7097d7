/// A key of up to 23 UTF-8 bytes (ID numbers, USCCs, most licence numbers) kept inline in 24
/// bytes rather than as a heap string: at a million keys that halves a key table's memory and
/// turns each probe's string comparison into three integer compares. Longer keys have none.
public struct CompactKey: Hashable, Sendable {
    private var a: UInt64 = 0
    private var b: UInt64 = 0
    private var c: UInt64 = 0

    /// The empty key.
    public init() {}

    public init?(_ key: String) {
        var key = key
        guard let made = key.withUTF8({ Self(bytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = made
    }

    /// The same from the key's UTF-8 bytes.
    public init?(bytes source: UnsafeRawBufferPointer) {
        guard source.count <= 23 else { return nil }
        withUnsafeMutableBytes(of: &self) { raw in
            raw.copyMemory(from: source)
            // The length goes in the last byte, so "A" and "A\0" differ.
            raw[23] = UInt8(truncatingIfNeeded: source.count)
        }
    }

    /// The key as text again.
    var string: String {
        withUnsafeBytes(of: self) { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<Int(raw[23])]), as: UTF8.self)
        }
    }
}
