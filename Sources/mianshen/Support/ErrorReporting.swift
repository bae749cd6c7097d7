import ArgumentParser
import Datasets
import Diagnostics
import Foundation
import Logging
import Store

/// Runs a command body; any error is printed to stderr as a Chinese sentence and turned into
/// the exit code of its category (README's table). Unknown errors count as I/O errors, never 1.
func reportingErrors(_ body: () throws -> Void) throws {
    bootstrapLogging()
    restrictFileModes()
    ignoreBrokenPipes()
    FreedMemory.returnLargeBlocksWhenFreed()
    do {
        try body()
        try checkStandardOutput()
    } catch {
        throw exitCode(for: error)
    }
}

/// The same for async command bodies (push dispatch).
func reportingErrors(_ body: () async throws -> Void) async throws {
    bootstrapLogging()
    restrictFileModes()
    ignoreBrokenPipes()
    FreedMemory.returnLargeBlocksWhenFreed()
    do {
        try await body()
        try checkStandardOutput()
    } catch {
        throw exitCode(for: error)
    }
}

/// Prints the error as a Chinese sentence (not an `ExitCode`) and gives the exit code of its category.
private func exitCode(for error: any Error) -> ExitCode {
    if let exit = error as? ExitCode { return exit }
    let category: ErrorCategory
    switch error {
    case let categorized as any CategorizedError: category = categorized.category
    case is SchemaError: category = .inputRejected
    case is CocoaError, is POSIXError: category = .io
    default: category = .io
    }
    printError("错误：\(error)")
    return ExitCode(category.rawValue)
}

func printError(_ text: String) {
    writeStandardError(Data((text + "\n").utf8))
}

/// Raw bytes to stdout (exports that bypass `print`). Foundation's `FileHandle.write(_:)` traps
/// on a closed pipe (`try!` inside): a failed write is remembered instead, and
/// `checkStandardOutput` turns it into exit 74 once the work is done.
func writeStandardOutput(_ data: Data) {
    do {
        try FileHandle.standardOutput.write(contentsOf: data)
    } catch {
        StandardStreams.outputFailed.set()
    }
}

/// Bytes to stderr; a closed stderr loses the message, never the process.
func writeStandardError(_ data: Data) {
    try? FileHandle.standardError.write(contentsOf: data)
}

enum StandardStreams {
    static let outputFailed = Flag()

    /// A flag set once, read at the end (writes may come from any thread).
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var raised = false

        func set() { lock.withLock { raised = true } }
        var value: Bool { lock.withLock { raised } }
    }
}

private let loggingBootstrap: Void = {
    let level = ProcessInfo.processInfo.environment["MIANSHEN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}()

/// Bootstraps swift-log once (stderr; level from MIANSHEN_LOG_LEVEL, default warning).
func bootstrapLogging() {
    _ = loggingBootstrap
}

/// A closed stdout (`| head`) must not kill the process in the middle of its work (an import
/// that has committed, a run being saved): writes to it fail instead, noticed at the end.
func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
}

/// After the work is done: when stdout could not take the output (closed pipe, full disk),
/// says so on stderr and exits 74 (I/O) instead of reporting success.
func checkStandardOutput() throws {
    guard fflush(nil) != 0 || StandardStreams.outputFailed.value else { return }
    printError("错误：标准输出已关闭或无法写入（例如输出接了 | head），输出没有写完；命令本身的工作已经完成。")
    throw ExitCode(ErrorCategory.io.rawValue)
}
