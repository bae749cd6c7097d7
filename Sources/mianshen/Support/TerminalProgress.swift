import Foundation
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr, only when stderr is a terminal: rows, rows/s, percent and ETA.
enum TerminalProgress {
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func importReporter() -> (@Sendable (ImportProgress) -> Void)? {
        guard isTerminal else { return nil }
        return { progress in
            let rate = progress.elapsedSeconds > 0 ? Double(progress.rows) / progress.elapsedSeconds : 0
            let fraction = progress.totalBytes > 0 ? Double(progress.bytesRead) / Double(progress.totalBytes) : 0
            let remaining = fraction > 0 ? progress.elapsedSeconds * (1 - fraction) / fraction : 0
            let line = String(
                format: "\r已读 %d 行，%.0f 行/秒，%.0f%%，预计还需 %.0f 秒   ", progress.rows, rate, fraction * 100, remaining
            )
            writeStandardError(Data(line.utf8))
        }
    }

    /// For `rules try` (试算中) and `run` (运行中): how many entities of which subject have been evaluated.
    static func trialReporter(_ doing: String = "试算中") -> ((String, Int) -> Void)? {
        guard isTerminal else { return nil }
        let started = Date()
        return { subject, evaluated in
            let seconds = Date().timeIntervalSince(started)
            let line = String(format: "\r%@：%@已评估 %d 个，用时 %.0f 秒   ", doing, subject, evaluated, seconds)
            writeStandardError(Data(line.utf8))
        }
    }

    static func finish() {
        if isTerminal { writeStandardError(Data("\r\u{1B}[K".utf8)) }
    }
}
