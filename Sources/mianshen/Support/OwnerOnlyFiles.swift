#if canImport(Glibc)
import Glibc
#endif

private let ownerOnly: Void = {
    _ = umask(0o077)
}()

/// Every file and directory this process creates is owner-only (files 0600, directories
/// 0700) whatever the user's umask: the store, its WAL/SHM, exports, applications and
/// reports hold personal data. Called once, before any command touches a file.
func restrictFileModes() {
    _ = ownerOnly
}
