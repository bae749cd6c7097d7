import Foundation

/// The sqlite3 shell (installed by .ci/run), for tests that edit a store behind its back: the
/// store's API has no raw SQL, on purpose.
public enum SQLiteShell {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `sql` on the database at `path`; its standard output. Throws when sqlite3 fails.
    @discardableResult
    public static func run(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "sqlite3 退出码 \(process.terminationStatus)：\(sql)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
