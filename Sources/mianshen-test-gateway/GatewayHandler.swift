import Crypto
import FlyingFox
import Foundation

/// `POST /messages`: signature, recipient mark, seeded fault, then dedup by key.
struct GatewayHandler: HTTPHandler {
    let secret: Data
    let state: GatewayState
    let reject: Set<String>
    let stallSeconds: Double

    struct Incoming: Decodable {
        var key: String
        var to: String
    }

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let body = try await request.bodyData
        let key = SymmetricKey(data: secret)
        let expected = "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: key).map { String(format: "%02x", $0) }.joined()
        let idempotency = request.headers[HTTPHeader("Idempotency-Key")] ?? ""
        guard request.headers[HTTPHeader("X-Mianshen-Signature")] == expected else {
            await state.write("unsigned \(idempotency.isEmpty ? "-" : idempotency)")
            return HTTPResponse(statusCode: .unauthorized, body: Data("签名不正确".utf8))
        }
        guard !idempotency.isEmpty, let message = try? JSONDecoder().decode(Incoming.self, from: body), message.key == idempotency else {
            return HTTPResponse(statusCode: .badRequest, body: Data("缺少幂等键或消息格式不对".utf8))
        }
        if reject.contains(message.to) {
            await state.write("rejected \(idempotency) 收件号码停机")
            return HTTPResponse(statusCode: .badRequest, body: Data("收件号码停机".utf8))
        }
        switch await state.nextFault() {
        case .error500:
            await state.write("fault \(idempotency) 500")
            return HTTPResponse(statusCode: .internalServerError)
        case .stall:
            // Accepted, but the answer comes after the client gave up: its retry is a duplicate.
            _ = await state.accept(idempotency)
            try await Task.sleep(nanoseconds: UInt64(stallSeconds * 1_000_000_000))
            return HTTPResponse(statusCode: .ok)
        case .none:
            _ = await state.accept(idempotency)
            return HTTPResponse(statusCode: .ok)
        }
    }
}
