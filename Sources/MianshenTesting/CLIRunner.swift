import Foundation

/// What one run of the built `mianshen` binary produced.
public struct CLIResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the `mianshen` binary built next to the test bundle, from the repository root.
public enum CLIRunner {
    public static var binary: String {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("mianshen").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("mianshen").path,
            RepositoryPaths.root + "/.build/debug/mianshen",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[2]
    }

    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: RepositoryPaths.root)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "MIANSHEN_DB")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}
