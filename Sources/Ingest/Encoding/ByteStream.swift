#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A source of bytes read in chunks: a file as it is, or a file transcoded to UTF-8.
/// Readers (CSV, JSON Lines) parse whatever stream they are given, so every encoding gets the
/// same parser and the same line numbers.
public protocol ByteStream: AnyObject {
    /// Fills `buffer` from the start with up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes of the underlying file consumed so far, for progress.
    var bytesConsumed: Int { get }
}

/// The bytes of a file, read with `read(2)`.
public final class FileByteStream: ByteStream {
    public let path: String
    private let fd: Int32
    public private(set) var bytesConsumed = 0
    static let readAhead = 16 << 20

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw IngestError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.fd = fd
        // Read front to back once: the kernel may read further ahead (a page evicted since the
        // file was last read then comes in before the reader asks, not while it waits).
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit {
        close(fd)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 {
                bytesConsumed += count
                // The next few reads' worth asked for now, read by the kernel meanwhile (a no-op
                // for pages already in the page cache).
                _ = posix_fadvise(fd, off_t(bytesConsumed), off_t(Self.readAhead), POSIX_FADV_WILLNEED)
                return count
            }
            if errno == EINTR { continue }
            throw IngestError.readFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
