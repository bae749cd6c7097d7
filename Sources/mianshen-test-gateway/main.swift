import FlyingFox
import FlyingSocks
import Foundation

/// A webhook gateway for tests and demos (not for production): loopback only; verifies the
/// HMAC-SHA256 signature (401 when wrong), deduplicates by idempotency key (a duplicate gets 200
/// too and is logged as such), and injects faults: seeded 500s, stalls past the client's
/// timeout, 400 for marked recipients.
let options: GatewayOptions
do {
    options = try GatewayOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("错误：\(error)\n".utf8))
    exit(64)
}
guard let secret = ProcessInfo.processInfo.environment[options.secretEnv], !secret.isEmpty else {
    FileHandle.standardError.write(Data("错误：环境变量 \(options.secretEnv) 未设置（签名密钥）\n".utf8))
    exit(64)
}
let handler = GatewayHandler(
    secret: Data(secret.utf8), state: try GatewayState(options: options), reject: options.reject, stallSeconds: options.stallSeconds
)
let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: options.port), timeout: 60)
await server.appendRoute("POST /messages", to: handler)
let running = Task { try await server.run() }
try await server.waitUntilListening()
var port = options.port
switch await server.listeningAddress {
case .ip4(_, let bound)?, .ip6(_, let bound)?: port = bound
default: break
}
FileHandle.standardOutput.write(Data("port \(port)\n".utf8))
try await running.value
