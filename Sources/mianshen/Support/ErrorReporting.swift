import ArgumentParser
import Datasets
import Diagnostics
import Foundation
import Logging

/// Runs a command body; any error is printed to stderr as a Chinese sentence and turned into
/// the exit code of its category (README's table). Unknown errors count as I/O errors, never 1.
func reportingErrors(_ body: () throws -> Void) throws {
    bootstrapLogging()
    restrictFileModes()
    do {
        try body()
    } catch {
        throw exitCode(for: error)
    }
}

/// The same for async command bodies (push dispatch).
func reportingErrors(_ body: () async throws -> Void) async throws {
    bootstrapLogging()
    restrictFileModes()
    do {
        try await body()
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
    FileHandle.standardError.write(Data((text + "\n").utf8))
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
