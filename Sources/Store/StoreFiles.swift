internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

/// The store's files hold every resident's 身份证号, phone and income: they are created
/// owner-only (0600) whatever the umask, and `db info` names any that others can read.
public enum StoreFiles {
    /// The database file and its WAL and shared-memory files.
    public static func paths(of database: String) -> [String] {
        [database, database + "-wal", database + "-shm"]
    }

    /// Creates an empty database file with mode 0600 when none exists. SQLite gives the WAL and
    /// SHM files the database file's mode, so they are owner-only too.
    static func createOwnerOnly(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode_t(0o600))
        if fd < 0 {
            if errno == EEXIST { return }
            throw StoreError("无法创建数据库文件 \(path)：\(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // The umask can only remove bits; fchmod makes the mode exact.
        if fchmod(fd, mode_t(0o600)) != 0 {
            throw StoreError("无法设置数据库文件 \(path) 的权限：\(String(cString: strerror(errno)))")
        }
    }

    /// The store's existing files that users other than the owner can read or write, with
    /// their permission bits (e.g. 0o644).
    public static func exposed(_ database: String) -> [(path: String, mode: Int)] {
        paths(of: database).compactMap { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            let mode = Int(info.st_mode) & 0o777
            return mode & 0o077 == 0 ? nil : (path, mode)
        }
    }
}
