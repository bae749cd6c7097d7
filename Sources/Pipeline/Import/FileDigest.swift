internal import Crypto
internal import Foundation
internal import Ingest

/// SHA-256 of a file, read in chunks so memory stays flat; identifies content in the ledger.
enum FileDigest {
    static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError.cannotOpen(path: path, reason: "文件不存在或无读取权限")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            throw IngestError.readFailed(path: path, reason: error.localizedDescription)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
