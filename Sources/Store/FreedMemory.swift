#if canImport(Glibc)
internal import Glibc
#endif

/// Hands memory the process freed back to the system. glibc keeps freed blocks for reuse, and
/// after the first large free it raises its mmap threshold, so that later large arrays come from
/// its heaps and stay resident after they are freed: the import's peak then stacks one stage's
/// arrays on the previous stage's. `malloc_trim` returns every free page of every heap (looked up
/// at run time: Swift's Glibc module does not declare it). Elsewhere, nothing.
enum FreedMemory {
    static func handBack() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }

    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: Trim.self) }
    #endif
}
