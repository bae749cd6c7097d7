extension String {
    /// The string's UTF-8 bytes, read where they are (a native string, every string the import
    /// makes, always is), copied only for a bridged one. `var text = value; text.withUTF8 { … }`
    /// copied the string first: a retain and a release per value, in loops that run once a cell
    /// on strings other threads made (about a tenth of a first load's CPU was retains and
    /// releases in perf).
    @inlinable @inline(__always)
    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
