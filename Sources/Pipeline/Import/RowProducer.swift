internal import Datasets
internal import Foundation
internal import Ingest

/// Rows read and validated on the reading thread, handed to the writer in batches.
struct RowBatch: Sendable {
    /// Valid rows, each key once, flat: row r is `values[r * fieldCount ..< (r + 1) * fieldCount]`
    /// in schema order. One array per batch instead of one per row.
    var values: [FieldValue] = []
    /// Row r's `FieldValue.fingerprint(of:)`, stored with it (`row_fingerprint`).
    var fingerprints: [Int64] = []
    /// Exact repeats of an earlier row of the same file: counted as unchanged, not written.
    var repeats = 0
    /// Rows that failed validation, with the key they carried (a full extract keeps those entities).
    var quarantine: [(entry: QuarantineEntry, key: String?)] = []
    /// Data-quality warnings of the rows in `values` (never of rejected or repeated rows).
    var warnings: [DataWarning] = []
    /// Rows in `values` whose division code is missing from 二七区's street list.
    var rowsWithUnknownDivision = 0
    var rowsRead = 0
    var bytesRead = 0
}

/// The end of the reading thread's work.
enum ProducerMessage: Sendable {
    case batch(RowBatch)
    case finished(ignoredColumns: [String])
    case failed(ErrorBox)
}

/// Carries an error from the reading thread to the writing one. Errors thrown by readers are
/// value types (IngestError is Sendable); the box only satisfies the compiler for `any Error`.
struct ErrorBox: @unchecked Sendable {
    let error: any Error
}

/// Reads one file and validates every record, on its own thread.
struct RowProducer: Sendable {
    var format: InputFormat
    var path: String
    var schema: Schema
    var divisions: DivisionCatalog
    var userMap: [String: String]
    var encoding: TextEncoding?
    var batchSize = 1024
    /// A guess of the row count (file size / typical row), to size the key table once.
    var expectedRows = 0

    func start(into channel: RowChannel<ProducerMessage>) {
        let thread = Thread { self.run(into: channel) }
        thread.name = "mianshen-import-reader"
        thread.start()
    }

    func run(into channel: RowChannel<ProducerMessage>) {
        do {
            let source = try format.open(path: path, schema: schema, userMap: userMap, encoding: encoding)
            var validator = RowValidator(schema: schema, divisions: divisions, file: path)
            var cells: [RawCell] = []
            var values: [FieldValue] = []
            var batch = RowBatch()
            var repeats = RepeatDetector(expectedRows: expectedRows)
            while let record = try source.next(cells: &cells) {
                batch.rowsRead += 1
                switch record {
                case .malformed(let entry, let key):
                    batch.quarantine.append((entry, key))
                case .row(let line):
                    let warningsBefore = batch.warnings.count
                    if let entry = validator.validate(cells, line: line, into: &values, warnings: &batch.warnings) {
                        let key: String? = if case .text(let raw) = cells[schema.keyIndex] { raw } else { nil }
                        batch.quarantine.append((entry, key))
                    } else if case .text(let key) = values[schema.keyIndex] {
                        // Within one file the first row with a key wins; an identical repeat is
                        // unchanged; a different one is quarantined.
                        let fingerprint = FieldValue.fingerprint(of: values)
                        let outcome = repeats.check(key, fingerprint: fingerprint)
                        if batch.warnings.count > warningsBefore {
                            // A repeat is not written again, so its warnings were already counted.
                            if outcome != .first {
                                batch.warnings.removeSubrange(warningsBefore...)
                            } else if batch.warnings[warningsBefore...].contains(where: { $0.reason == .unknownDivision }) {
                                batch.rowsWithUnknownDivision += 1
                            }
                        }
                        switch outcome {
                        case .first:
                            batch.values.append(contentsOf: values)
                            batch.fingerprints.append(fingerprint)
                        case .identical:
                            batch.repeats += 1
                        case .conflicting:
                            batch.quarantine.append((QuarantineEntry(
                                file: path, line: line, field: schema.key.name, reason: .duplicateKey, value: key,
                                message: "\(schema.key.label)与本文件前面一行相同，但其他内容不同；保留前一行。"
                            ), nil))
                        }
                    }
                }
                if batch.rowsRead == batchSize {
                    batch.bytesRead = source.bytesRead
                    guard channel.put(.batch(batch)) else { return }
                    batch = RowBatch()
                    batch.values.reserveCapacity(batchSize * schema.fields.count)
                }
            }
            batch.bytesRead = source.bytesRead
            guard channel.put(.batch(batch)) else { return }
            _ = channel.put(.finished(ignoredColumns: source.ignoredColumns))
        } catch {
            _ = channel.put(.failed(ErrorBox(error: error)))
        }
    }
}
