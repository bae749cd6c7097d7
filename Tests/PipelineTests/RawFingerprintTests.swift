import Datasets
import Foundation
import Logging
import MianshenTesting
import Pipeline
import Store
import XCTest

/// A full extract skips the records a store holds byte for byte (v14-raw-fingerprint), and
/// nothing else may differ: the same nights imported with the columns in another order each
/// night (so that no record's raw bytes mean what they meant the night before, and every
/// record is validated) give the same counts, rows, change history, quarantine and warnings.
final class RawFingerprintTests: XCTestCase {
    func nights() throws -> [[String]] { try ResidentNights.three() }

    /// The same lines with the first two columns swapped.
    func swapped(_ lines: [String]) -> [String] {
        lines.map { line in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells.swapAt(0, 1)
            return cells.joined(separator: ",")
        }
    }

    struct Outcome {
        var summaries: [ImportSummary] = []
        var rows: [[FieldValue]] = []
        var history: [[String]] = []
        var active: [Bool] = []
        var quarantine: [String] = []
        var warnings: [String] = []
    }

    func importNights(_ nights: [[String]], swapEveryOtherNight: Bool, dir: TemporaryDirectory) throws -> Outcome {
        let store = try ProfileStore(
            path: dir.file("t.db"), schemas: try SchemaLoader.load(directory: RepositoryPaths.schemas)
        )
        var outcome = Outcome()
        for (night, lines) in nights.enumerated() {
            let text = (swapEveryOtherNight && night % 2 == 0 ? swapped(lines) : lines).joined(separator: "\n")
            let path = try dir.write("night\(night + 1).csv", text)
            outcome.summaries.append(try Importer(store: store, logger: Logger(label: "test")).run(
                ImportRequest(kind: .residents, path: path, maxBadRate: 0.5, full: true)
            ))
        }
        outcome.rows = try store.allRows(.residents)
        for row in outcome.rows {
            guard case .text(let key) = row[0] else { continue }
            let profile = try XCTUnwrap(try store.profile(key: key))
            outcome.history.append(profile.history.map {
                "\($0.importID) \($0.field) \($0.oldValue ?? "-") → \($0.newValue ?? "-")"
            })
            outcome.active.append(profile.active)
        }
        outcome.quarantine = try store.quarantine(.all).map {
            "\($0.importID) \($0.entry.line) \($0.entry.field) \($0.entry.reason) \($0.entry.value) \($0.entry.message)"
        }
        outcome.warnings = try store.warnings(.all).map {
            "\($0.importID) \($0.entry.line) \($0.entry.field) \($0.entry.reason) \($0.entry.value) \($0.entry.message)"
        }
        return outcome
    }

    func testSkippedRecordsLeaveTheStoreAsValidatingThemDoes() throws {
        let nights = try nights()
        let fastDir = try TemporaryDirectory()
        let slowDir = try TemporaryDirectory()
        let fast = try importNights(nights, swapEveryOtherNight: false, dir: fastDir)
        let slow = try importNights(nights, swapEveryOtherNight: true, dir: slowDir)

        // Night 2 skips every resident of night 1 stored without warnings and with the same
        // bytes: 280 minus resident 10 (warning), 20 (changed) and 30 (other bytes); the
        // identical repeat of resident 6 is a repeat as before. Night 3 skips the same 277: not
        // 20 (changed back), 30 (bytes other than night 2's), nor 281–290 (inactive).
        XCTAssertEqual(fast.summaries.map(\.unreadUnchanged), [0, 277, 277])
        XCTAssertEqual(slow.summaries.map(\.unreadUnchanged), [0, 0, 0], "a new header order means new raw bytes")
        for (a, b) in zip(fast.summaries, slow.summaries) {
            XCTAssertEqual(a.record.counts, b.record.counts)
            XCTAssertEqual(a.record.status, b.record.status)
        }
        let counts = fast.summaries[1].record.counts
        XCTAssertEqual(
            [counts.rowsRead, counts.inserted, counts.updated, counts.unchanged, counts.quarantined, counts.deactivated,
             counts.warnings],
            [292, 10, 1, 280, 1, 10, 1]
        )
        XCTAssertEqual(fast.summaries[2].record.counts.deactivated, 10)
        XCTAssertEqual(fast.summaries[2].record.counts.updated, 11, "281–290 come back, 20 changes back")
        XCTAssertEqual(fast.rows, slow.rows)
        XCTAssertEqual(fast.history, slow.history)
        XCTAssertEqual(fast.active, slow.active)
        XCTAssertEqual(fast.quarantine, slow.quarantine)
        XCTAssertEqual(fast.quarantine.count, 1)
        XCTAssertEqual(fast.warnings, slow.warnings)
        XCTAssertEqual(fast.warnings.count, 3, "resident 10 warns every night: a row with warnings is never skipped")
    }
}
