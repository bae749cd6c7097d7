internal import Diagnostics
internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif

/// Writes a generated file with stdio. `Data.write(to:)` syncs every file to disk, which was
/// about a third of generating 6,240 applications (perf: fsync under writeToFileNoAux); the
/// files are rebuilt from the run whenever needed, so they need no sync of their own.
enum ApplicationFile {
    static func write(_ data: Data, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw ApplicationFileError(path: path, code: errno) }
        let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let code = errno
        guard fclose(file) == 0, written == data.count else { throw ApplicationFileError(path: path, code: code) }
    }
}

/// A generated file that could not be written.
struct ApplicationFileError: Error, CategorizedError, CustomStringConvertible {
    var path: String
    var code: Int32

    var category: ErrorCategory { .io }
    var description: String { "无法写入 \(path)：\(String(cString: strerror(code)))" }
}
