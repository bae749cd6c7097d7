extension Array where Element == UInt8 {
    /// Appends `text`'s UTF-8 bytes with one copy from its storage (a native string's bytes are
    /// contiguous); byte by byte only for a bridged string. For building id lists of a million.
    public mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}
