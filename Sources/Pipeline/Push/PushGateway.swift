internal import Crypto
public import Foundation
#if canImport(FoundationNetworking)
internal import FoundationNetworking
#endif

/// What the gateway is sent: one digest, as JSON.
public struct GatewayMessage: Codable, Sendable, Equatable {
    public var key: String
    public var channel: String
    public var to: String
    public var text: String
    public var night: String

    public init(key: String, channel: String, to: String, text: String, night: String) {
        self.key = key
        self.channel = channel
        self.to = to
        self.text = text
        self.night = night
    }
}

/// How one attempt ended.
public enum GatewayOutcome: Sendable, Equatable {
    case delivered
    /// 4xx: the gateway refused this message; sending again would not help.
    case rejected(String)
    /// 5xx, a timeout or no connection: worth retrying.
    case transient(String)
}

/// A message gateway: one attempt per call.
public protocol PushGateway: Sendable {
    func send(_ message: GatewayMessage) async -> GatewayOutcome
}

/// The HTTP webhook: POST of the JSON body, the idempotency key in `Idempotency-Key`, the body
/// signed with HMAC-SHA256 in `X-Mianshen-Signature: sha256=HEX`. FoundationNetworking's
/// URLSession, not async-http-client (see the build-time figures in Package.swift).
public struct HTTPGateway: PushGateway {
    public static let signatureHeader = "X-Mianshen-Signature"
    public static let keyHeader = "Idempotency-Key"

    let url: URL
    /// The HMAC secret's bytes (SymmetricKey is not Sendable; one is made per request).
    let secret: Data
    let session: URLSession

    public init(settings: PushSettings, secret: String) throws {
        guard let url = URL(string: settings.gatewayURL) else { throw PushError("网关地址无效：\(settings.gatewayURL)") }
        self.url = url
        self.secret = Data(secret.utf8)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.timeoutSeconds
        configuration.timeoutIntervalForResource = settings.timeoutSeconds
        session = URLSession(configuration: configuration)
    }

    /// The secret from the environment variable the settings name (never from the file).
    public static func secret(_ settings: PushSettings, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard let secret = environment[settings.secretEnv], !secret.isEmpty else {
            throw PushError("环境变量 \(settings.secretEnv) 未设置：网关签名密钥只从环境变量读取")
        }
        return secret
    }

    /// `sha256=` + hex HMAC-SHA256 of `body` with `secret`.
    public static func signature(_ body: Data, secret: Data) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)).map { String(format: "%02x", $0) }.joined()
    }

    public func send(_ message: GatewayMessage) async -> GatewayOutcome {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let body = try? encoder.encode(message) else { return .rejected("消息无法编码为 JSON") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = session.configuration.timeoutIntervalForRequest
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue(message.key, forHTTPHeaderField: Self.keyHeader)
        request.setValue(Self.signature(body, secret: secret), forHTTPHeaderField: Self.signatureHeader)
        do {
            let (data, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let reason = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            switch status {
            case 200..<300: return .delivered
            case 400..<500: return .rejected("网关拒绝（HTTP \(status)）\(reason.isEmpty ? "" : "：" + reason)")
            default: return .transient("网关错误（HTTP \(status)）")
            }
        } catch {
            let code = (error as? URLError)?.code
            return .transient(code == .timedOut ? "网关超时" : "无法连接网关（\(code.map { String($0.rawValue) } ?? "\(error)")）")
        }
    }
}
