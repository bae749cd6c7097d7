import Datasets
import Foundation
import Logging
import MianshenTesting
@testable import Pipeline
import Store
import XCTest

/// A first load looks for repeated keys only after its last row (`RepeatDetector`, deferred) and,
/// when its file has any, is read again telling each repeat as it comes: the store ends exactly
/// as if every repeat had been told at once, with one ledger entry.
final class DeferredRepeatsTests: XCTestCase {
    func testADeferredDetectorCallsEveryCompactKeyFirst() {
        var deferred = RepeatDetector(expectedRows: 4, telling: .deferred(watching: CompactKeySet([])))
        XCTAssertEqual(deferred.check("110101199001011234", fingerprint: 1), .first)
        XCTAssertEqual(deferred.check("110101199001011234", fingerprint: 2), .first, "told by the store's key index")

        var exact = RepeatDetector(expectedRows: 4)
        XCTAssertEqual(exact.check("110101199001011234", fingerprint: 1), .first)
        XCTAssertEqual(exact.check("110101199001011234", fingerprint: 1), .identical)
        XCTAssertEqual(exact.check("110101199001011234", fingerprint: 2), .conflicting)

        // The same told from a batch's bytes (no `String` made for a first load's compact key).
        func check(_ detector: inout RepeatDetector, _ key: String, _ fingerprint: Int64) -> RepeatDetector.Outcome {
            Array(key.utf8).withUnsafeBufferPointer { detector.check(key: $0, fingerprint: fingerprint) }
        }
        var deferredBytes = RepeatDetector(expectedRows: 4, telling: .deferred(watching: CompactKeySet([])))
        XCTAssertEqual(check(&deferredBytes, "110101199001011234", 1), .first)
        XCTAssertEqual(check(&deferredBytes, "110101199001011234", 2), .first)
        let long = String(repeating: "许可证号", count: 4)
        XCTAssertEqual(check(&deferredBytes, long, 1), .first)
        XCTAssertEqual(check(&deferredBytes, long, 2), .conflicting, "a long key is told at once, deferred or not")
        var exactBytes = RepeatDetector(expectedRows: 4)
        XCTAssertEqual(check(&exactBytes, "110101199001011234", 1), .first)
        XCTAssertEqual(check(&exactBytes, "110101199001011234", 1), .identical)
        XCTAssertEqual(check(&exactBytes, "110101199001011234", 2), .conflicting)
    }

    /// Read again, a first load tells the repeats of the keys its first reading found repeated,
    /// and only those (no table of every key).
    func testADeferredDetectorTellsTheKeysItWatches() {
        let watched = "110101199001011234", other = "110101199001015678"
        func check(_ detector: inout RepeatDetector, _ key: String, _ fingerprint: Int64) -> RepeatDetector.Outcome {
            Array(key.utf8).withUnsafeBufferPointer { detector.check(key: $0, fingerprint: fingerprint) }
        }
        var bytes = RepeatDetector(expectedRows: 4, telling: .deferred(watching: CompactKeySet([watched, watched])))
        XCTAssertEqual(check(&bytes, other, 1), .first)
        XCTAssertEqual(check(&bytes, watched, 1), .first)
        XCTAssertEqual(check(&bytes, other, 2), .first, "not watched: left to the key index")
        XCTAssertEqual(check(&bytes, watched, 1), .identical)
        XCTAssertEqual(check(&bytes, watched, 2), .conflicting)

        var strings = RepeatDetector(expectedRows: 4, telling: .deferred(watching: CompactKeySet([watched])))
        XCTAssertEqual(strings.check(watched, fingerprint: 1), .first)
        XCTAssertEqual(strings.check(other, fingerprint: 1), .first)
        XCTAssertEqual(strings.check(other, fingerprint: 2), .first)
        XCTAssertEqual(strings.check(watched, fingerprint: 2), .conflicting)
    }

    func testKeysLongerThanACompactKeyAreToldAtOnceEvenDeferred() {
        let long = String(repeating: "许可证号", count: 4)
        var deferred = RepeatDetector(expectedRows: 4, telling: .deferred(watching: CompactKeySet([])))
        XCTAssertEqual(deferred.check(long, fingerprint: 1), .first)
        XCTAssertEqual(deferred.check(long, fingerprint: 1), .identical)
        XCTAssertEqual(deferred.check(long, fingerprint: 2), .conflicting)
    }

    func testAFirstLoadWithRepeatsIsReadAgainAndStoredAsIfToldAtOnce() throws {
        let dir = try TemporaryDirectory()
        let (lines, conflicting) = try Self.fixtureWithConflictingRow()
        // Line 302 repeats line 2 exactly; line 303 repeats line 3's key with another phone.
        let path = try dir.write("r.csv", (lines + [lines[1], conflicting]).joined(separator: "\n") + "\n")
        let clean = try dir.write("clean.csv", lines.joined(separator: "\n") + "\n")

        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let log = LogLines()
        let store = try ProfileStore(path: dir.file("t.db"), schemas: schemas)
        let summary = try Importer(store: store, logger: log.logger).run(ImportRequest(kind: .residents, path: path))
        XCTAssertEqual(
            log.lines.filter { $0.contains("重复的主键") }, ["首次导入的文件中有重复的主键，重新读取并逐行核对重复 keys=2"],
            "read again once, telling the repeats of line 2's and line 3's keys"
        )
        XCTAssertEqual(summary.record.id, 1)
        XCTAssertEqual(try store.info().recentImports.count, 1, "the abandoned reading left no ledger entry")
        XCTAssertEqual(summary.record.counts.inserted, 300)
        XCTAssertEqual(summary.record.counts.unchanged, 1, "the identical repeat")
        let quarantine = try store.quarantine(.importID(summary.record.id))
        XCTAssertEqual(quarantine.map(\.entry.line), [303])
        XCTAssertEqual(quarantine.map(\.entry.reason), [.duplicateKey])

        // The rows are those of the file without its repeats, and a file without repeats is read once.
        let cleanLog = LogLines()
        let other = try ProfileStore(path: dir.file("u.db"), schemas: schemas)
        _ = try Importer(store: other, logger: cleanLog.logger).run(ImportRequest(kind: .residents, path: clean))
        XCTAssertEqual(cleanLog.lines.filter { $0.contains("重复的主键") }, [])
        XCTAssertEqual(try store.allRows(.residents), try other.allRows(.residents))
    }

    /// Rejected for its bad rows, a first load never rebuilds its key index: its repeats are
    /// still found (and the file read again), so that the ledger counts and quarantines them.
    func testARejectedFirstLoadStillTellsItsRepeats() throws {
        let dir = try TemporaryDirectory()
        let (lines, conflicting) = try Self.fixtureWithConflictingRow()
        let path = try dir.write("r.csv", (lines + [conflicting]).joined(separator: "\n") + "\n")

        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let log = LogLines()
        let store = try ProfileStore(path: dir.file("t.db"), schemas: schemas)
        let summary = try Importer(store: store, logger: log.logger)
            .run(ImportRequest(kind: .residents, path: path, maxBadRate: 0))
        XCTAssertEqual(summary.record.status, .rejected)
        XCTAssertEqual(
            log.lines.filter { $0.contains("重复的主键") }, ["首次导入的文件中有重复的主键，重新读取并逐行核对重复 keys=1"],
            "read again once, telling the repeats of line 3's key"
        )
        XCTAssertEqual(try store.info().recentImports.count, 1)
        let quarantine = try store.quarantine(.importID(summary.record.id))
        XCTAssertEqual(quarantine.map(\.entry.line), [302])
        XCTAssertEqual(quarantine.map(\.entry.reason), [.duplicateKey])
        XCTAssertEqual(try store.allRows(.residents), [], "a rejected import keeps no row")
    }

    /// The residents fixture's lines, and line 3 with another phone (its key, other content).
    private static func fixtureWithConflictingRow() throws -> (lines: [String], conflicting: String) {
        let lines = try String(contentsOfFile: RepositoryPaths.fixture("residents.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var conflicting = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let phone = try XCTUnwrap(header.firstIndex(of: "phone"))
        conflicting[phone] = conflicting[phone] == "13800000000" ? "13900000000" : "13800000000"
        return (lines, conflicting.joined(separator: ","))
    }
}

/// Collects what a logger was told.
private final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    var lines: [String] { lock.withLock { collected } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(sink: self) }
    }

    func add(_ line: String) { lock.withLock { collected.append(line) } }

    struct Handler: LogHandler {
        let sink: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            sink.add(event.message.description + (event.metadata?["keys"].map { " keys=\($0)" } ?? ""))
        }
    }
}
