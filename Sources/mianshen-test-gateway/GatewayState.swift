import Foundation

/// The gateway's memory: keys accepted so far, the seeded fault generator and the log file
/// (`accepted KEY` / `duplicate KEY` / `rejected KEY 原因` / `fault KEY 500` lines, appended).
actor GatewayState {
    enum Fault { case none, error500, stall }

    private var accepted: Set<String> = []
    private var random: UInt64
    private let failRate: Double
    private let timeoutRate: Double
    private let log: FileHandle

    init(options: GatewayOptions) throws {
        if !FileManager.default.fileExists(atPath: options.log) {
            guard FileManager.default.createFile(atPath: options.log, contents: nil) else { throw GatewayError("无法创建日志文件 \(options.log)") }
        }
        guard let handle = FileHandle(forWritingAtPath: options.log) else { throw GatewayError("无法写日志文件 \(options.log)") }
        handle.seekToEndOfFile()
        log = handle
        random = options.seed
        failRate = options.failRate
        timeoutRate = options.timeoutRate
        // Keys accepted by an earlier gateway process on the same log stay accepted (a restart keeps dedup).
        if let text = try? String(contentsOfFile: options.log, encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("accepted ") {
                accepted.insert(String(line.dropFirst("accepted ".count).prefix { $0 != " " }))
            }
        }
    }

    /// The next fault, from a SplitMix64 sequence of the seed.
    func nextFault() -> Fault {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let draw = Double(z >> 11) / Double(1 << 53)
        if draw < failRate { return .error500 }
        if draw < failRate + timeoutRate { return .stall }
        return .none
    }

    /// Records the key: true when it is new, false for a duplicate.
    func accept(_ key: String) -> Bool {
        let new = accepted.insert(key).inserted
        write("\(new ? "accepted" : "duplicate") \(key)")
        return new
    }

    func write(_ line: String) {
        log.write(Data((line + "\n").utf8))
    }
}
