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
    } catch let exit as ExitCode {
        throw exit
    } catch {
        let category: ErrorCategory
        switch error {
        case let categorized as any CategorizedError: category = categorized.category
        case is SchemaError: category = .inputRejected
        case is CocoaError, is POSIXError: category = .io
        default: category = .io
        }
        printError("错误：\(error)")
        throw ExitCode(category.rawValue)
    }
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
