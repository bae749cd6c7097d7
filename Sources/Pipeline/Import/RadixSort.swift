/// Sorts 64-bit words by their bytes, two at a time (four passes): at the end of a first load the
/// repeat check sorts a million key hashes, where `sort()` took 80 ms of a thread that the
/// writer waits for then.
enum RadixSort {
    static func sort(_ words: inout [UInt64]) {
        guard words.count > 1 else { return }
        var scratch = [UInt64](repeating: 0, count: words.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            words.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for i in counts.indices { counts[i] = 0 }
                        for word in source { counts[Int(truncatingIfNeeded: word >> shift) & 0xFFFF] += 1 }
                        var total = 0
                        for i in counts.indices {
                            let count = counts[i]
                            counts[i] = total
                            total += count
                        }
                        for word in source {
                            let digit = Int(truncatingIfNeeded: word >> shift) & 0xFFFF
                            target[counts[digit]] = word
                            counts[digit] += 1
                        }
                    }
                }
            }
            swap(&words, &scratch)
        }
    }
}
