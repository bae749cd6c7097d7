#if canImport(Glibc)
internal import Glibc
#endif

/// Hands memory the process freed back to the system. glibc keeps freed blocks for reuse, and
/// after the first large free it raises its mmap threshold, so that later large arrays come from
/// its heaps and stay resident after they are freed: the import's peak then stacks one stage's
/// arrays on the previous stage's. `malloc_trim` returns every free page of every heap (looked up
/// at run time: Swift's Glibc module does not declare it). Elsewhere, nothing.
public enum FreedMemory {
    /// For the whole process (the command line calls it first): every allocation of a megabyte
    /// or more is mapped on its own and unmapped when freed, instead of glibc raising that
    /// threshold after the first large free (up to 32 MB) and serving later large arrays from
    /// heaps that keep them resident once freed. A first load of 1 M residents peaked at 78–80
    /// MiB, now 69–70 (250 k: 68 → 67; 4 M: 138 → 115); the same first load with a repeated row
    /// 89 → 70 MiB; a night 64–65 → 60–62 MiB; times within noise (three alternations each), the
    /// engine's load and computation too.
    public static func returnLargeBlocksWhenFreed() {
        #if canImport(Glibc)
        _ = setOption?(mmapThreshold, 1 << 20)
        #endif
    }

    static func handBack() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }

    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: Trim.self) }
    /// `mallopt` and its `M_MMAP_THRESHOLD` (malloc.h), looked up the same way.
    private typealias SetOption = @convention(c) (Int32, Int32) -> Int32
    private static let setOption: SetOption? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
        .map { unsafeBitCast($0, to: SetOption.self) }
    private static let mmapThreshold: Int32 = -3
    #endif
}
