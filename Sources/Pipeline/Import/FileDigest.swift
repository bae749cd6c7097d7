internal import Crypto
internal import Foundation
internal import Ingest
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// SHA-256 of a file, read in chunks so memory stays flat; identifies content in the ledger.
enum FileDigest {
    static func sha256(path: String) throws -> String {
        var hasher = SHA256()
        _ = try hash(path: path, from: 0, into: &hasher, while: { true })
        return hex(hasher.finalize())
    }

    /// Hashes the file from byte `offset` to its end, chunk by chunk, while `more()` says so;
    /// after each chunk `progress` learns the state and the offset it reached. Returns whether
    /// the end was reached. Read with `pread` into one buffer: `FileHandle.read(upToCount:)`
    /// reads a file system block (4 KB) per call, 30,000 calls for a 1 M-resident extract.
    static func hash(
        path: String, from offset: UInt64, chunk: Int = 4 << 20, into hasher: inout SHA256,
        while more: () -> Bool, progress: (SHA256, UInt64) -> Void = { _, _ in }
    ) throws -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IngestError.cannotOpen(path: path, reason: "文件不存在或无读取权限")
        }
        defer { close(descriptor) }
        var offset = offset
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunk, 1), alignment: 16)
        defer { buffer.deallocate() }
        while more() {
            guard let base = buffer.baseAddress else { return true }
            let count = pread(descriptor, base, buffer.count, off_t(offset))
            if count < 0 {
                if errno == EINTR { continue }
                throw IngestError.readFailed(path: path, reason: String(cString: strerror(errno)))
            }
            guard count > 0 else { return true }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            offset += UInt64(count)
            progress(hasher, offset)
        }
        return false
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// A file's SHA-256 computed beside its import, on a thread that runs only when a core would
/// otherwise idle (Linux's idle scheduling class), and finished by whoever asks for it.
///
/// At a 1 M-resident first load both cores are busy reading and validating, and a hashing thread
/// of normal priority took a third of one of them; in the idle class it hashes in the gaps (the
/// index rebuild, the commit's writes): the first load's median 6.02 → 5.56 s over six
/// alternations. An idle-class thread may get almost nothing on a machine busy with other
/// processes, and an unprivileged thread cannot raise itself back, so nobody ever waits for it:
/// after each chunk it publishes its state and offset, and `value()` takes over from there on
/// the asking thread (at most one chunk hashed twice).
final class BackgroundDigest: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    /// Guarded by `lock`: the state after the last whole chunk, and where it ends.
    private var hasher = SHA256()
    private var offset: UInt64 = 0
    private var takenOver = false

    init(path: String) {
        self.path = path
        let thread = Thread { [self] in work() }
        thread.name = "mianshen-import-sha256"
        thread.start()
    }

    private func work() {
        #if canImport(Glibc)
        var parameters = sched_param()
        _ = sched_setscheduler(0, 5 /* SCHED_IDLE, not exported by Glibc's module */, &parameters)
        #endif
        var state = SHA256()
        // Any error is left for `value()` to meet when it reads on.
        _ = try? FileDigest.hash(
            path: path, from: 0, chunk: 1 << 20, into: &state,
            while: { lock.withLock { !takenOver } },
            progress: { state, offset in
                lock.withLock {
                    guard !takenOver else { return }
                    hasher = state
                    self.offset = offset
                }
            }
        )
    }

    /// The file's SHA-256: the thread's state so far, and the rest hashed here.
    func value() throws -> String {
        var (state, from) = lock.withLock {
            takenOver = true
            return (hasher, offset)
        }
        // From where the thread got to: to the end of the file (nothing, if it finished).
        _ = try FileDigest.hash(path: path, from: from, into: &state, while: { true })
        return FileDigest.hex(state.finalize())
    }
}
