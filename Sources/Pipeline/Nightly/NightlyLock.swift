internal import Diagnostics
internal import Foundation
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An exclusive flock(2) on `DB.nightly.lock` beside the database, held for the process's life:
/// the kernel releases it when the process ends, however it ends (kill -9 included).
public final class NightlyLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock or throws `NightlyLockedError` (exit 75) at once; never waits.
    public init(database: String) throws {
        path = database + ".nightly.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw NightlyStepError("无法打开锁文件 \(path)：\(String(cString: strerror(errno)))", category: .io)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(fd)
            throw busy
                ? NightlyStepError("另一个夜间任务正在运行（锁文件 \(path) 被占用），本次不运行。", category: .locked)
                : NightlyStepError("无法加锁 \(path)：\(reason)", category: .io)
        }
        descriptor = fd
        // Who holds it, for people looking at the file (the lock itself is the flock).
        _ = ftruncate(fd, 0)
        let note = "pid \(getpid())\n"
        _ = note.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
