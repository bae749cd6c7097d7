import Foundation

/// The test gateway's flags (no ArgumentParser: the CLI is its only user).
struct GatewayOptions {
    var port: UInt16 = 0
    var secretEnv = "MIANSHEN_GATEWAY_SECRET"
    var log = "gateway.log"
    /// Share of requests answered 500 without accepting (seeded).
    var failRate = 0.0
    /// Share of requests that stall `stallSeconds` before being accepted (the client times out and retries).
    var timeoutRate = 0.0
    var stallSeconds = 3.0
    var seed: UInt64 = 1
    /// Recipients (`to`) answered 400.
    var reject: Set<String> = []

    static let usage = """
        用法：mianshen-test-gateway [--port N] [--log FILE] [--secret-env NAME] [--fail-rate 0.3] [--timeout-rate 0.05]
              [--stall-seconds 3] [--seed N] [--reject-to 手机号]…
        只监听 127.0.0.1；--port 0（默认）为随机端口，启动后第一行打印 “port N”。
        """

    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw GatewayError("\(flag) 缺少取值\n\(Self.usage)") }
            return next
        }
        func number(_ flag: String) throws -> Double {
            let text = try value(flag)
            guard let number = Double(text), number >= 0 else { throw GatewayError("\(flag) 应为非负数，而不是 \(text)") }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--port":
                let text = try value(flag)
                guard let port = UInt16(text) else { throw GatewayError("--port 应为 0–65535，而不是 \(text)") }
                self.port = port
            case "--secret-env": secretEnv = try value(flag)
            case "--log": log = try value(flag)
            case "--fail-rate": failRate = try number(flag)
            case "--timeout-rate": timeoutRate = try number(flag)
            case "--stall-seconds": stallSeconds = try number(flag)
            case "--seed":
                let text = try value(flag)
                guard let seed = UInt64(text) else { throw GatewayError("--seed 应为非负整数，而不是 \(text)") }
                self.seed = seed
            case "--reject-to": reject.insert(try value(flag))
            default: throw GatewayError("未知参数 \(flag)\n\(Self.usage)")
            }
        }
        guard failRate + timeoutRate <= 1 else { throw GatewayError("--fail-rate 与 --timeout-rate 之和不能超过 1") }
    }
}

struct GatewayError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
