import Foundation

/// A running `mianshen-test-gateway` (built beside `mianshen`) on a random loopback port; stopped
/// (SIGTERM to this process only) when released. `log` is its accepted/duplicate key log.
public final class TestGatewayProcess {
    public let port: Int
    public let log: String
    private let process: Process

    public var url: String { "http://127.0.0.1:\(port)/messages" }

    public init(log: String, secret: String, arguments: [String] = []) throws {
        let binary = (CLIRunner.binary as NSString).deletingLastPathComponent + "/mianshen-test-gateway"
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--log", log, "--secret-env", "TEST_GATEWAY_SECRET"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TEST_GATEWAY_SECRET"] = secret
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.log = log
        // The first line is `port N`.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "测试网关没有报告端口：\(text)"])
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// The log's lines that start with `word` (accepted, duplicate, fault, rejected, unsigned), their keys.
    public func keys(_ word: String) -> [String] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.hasPrefix(word + " ") }.map { String($0.split(separator: " ")[1]) }
    }
}
