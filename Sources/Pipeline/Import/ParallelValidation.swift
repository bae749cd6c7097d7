internal import Datasets
internal import Foundation
internal import Ingest
internal import Store

/// Records as the reader split them, not yet validated: `RowProducer`'s reading thread hands
/// these to the validating threads.
struct RawBatch: Sendable {
    var records: [SourceRecord] = []
    /// The cells of the `.row` records, flat, one per schema field each.
    var cells = ByteCells()
    /// The raw fingerprint of each `.row` record, in order (nil: the source keeps none).
    var rawFingerprints: [Int64?] = []
    var bytesRead = 0
}

/// A raw batch after validation, rows still in file order; the file's repeats are not
/// resolved yet (that needs every earlier row: `RowSequencer`).
struct ValidatedBatch: Sendable {
    enum Row: Sendable {
        /// Malformed or invalid, with the key it carried.
        case bad(QuarantineEntry, key: String?)
        /// Valid: values at `values[valueStart ..< valueStart + fieldCount]` (its key among them),
        /// its warnings at `warnings[warnings]`. `raw` is the record's raw fingerprint when it had
        /// no warnings (a row with warnings is validated every time). No reference in it: the
        /// sequencer reads a million of these, and a copied key was a retain and a release each,
        /// on a string another core made.
        case good(line: Int, fingerprint: Int64, raw: Int64?, valueStart: Int, warnings: Range<Int>)
        /// A stored row holds these raw bytes (`SourceRecord.unchanged`): not validated.
        case unchanged(line: Int, slot: Int, fingerprint: Int64)
    }

    var rows: [Row] = []
    var values = FlatValues()
    var warnings: [DataWarning] = []
    var bytesRead = 0
}

/// What travels between the stages of the reading side, and from it to the writer.
enum StageMessage<Batch: Sendable>: Sendable {
    case batch(Batch)
    case finished(ignoredColumns: [String])
    case failed(ErrorBox)
}

/// One validating thread: validates every batch its input channel brings, in order.
struct ValidationWorker: Sendable {
    var schema: Schema
    var divisions: DivisionCatalog
    var path: String

    func run(from input: RowChannel<StageMessage<RawBatch>>, to output: RowChannel<StageMessage<ValidatedBatch>>) {
        var validator = RowValidator(schema: schema, divisions: divisions, file: path)
        let width = schema.fields.count
        while let message = input.next() {
            switch message {
            case .finished(let ignored):
                _ = output.put(.finished(ignoredColumns: ignored))
                return
            case .failed(let box):
                _ = output.put(.failed(box))
                return
            case .batch(let raw):
                var out = ValidatedBatch()
                out.bytesRead = raw.bytesRead
                out.rows.reserveCapacity(raw.records.count)
                out.values.reserveCapacity(cells: raw.records.count * width, bytes: raw.cells.bytes.count)
                var cellStart = 0
                var rowIndex = 0
                for record in raw.records {
                    switch record {
                    case .malformed(let entry, let key):
                        out.rows.append(.bad(entry, key: key))
                    case .unchanged(let line, let slot, let fingerprint):
                        out.rows.append(.unchanged(line: line, slot: slot, fingerprint: fingerprint))
                    case .row(let line):
                        let first = cellStart
                        cellStart += width
                        let rawFingerprint = raw.rawFingerprints[rowIndex]
                        rowIndex += 1
                        let warningsBefore = out.warnings.count
                        let start = out.values.count
                        // Straight into the batch: no row array to copy the values from and clear.
                        if let entry = validator.validate(
                            raw.cells, from: first, line: line, appendingTo: &out.values, warnings: &out.warnings
                        ) {
                            out.rows.append(.bad(entry, key: raw.cells.string(first + schema.keyIndex)))
                            continue
                        }
                        out.rows.append(.good(
                            line: line, fingerprint: out.values.fingerprint(in: start..<(start + width)),
                            raw: out.warnings.count == warningsBefore ? rawFingerprint : nil,
                            valueStart: start, warnings: warningsBefore..<out.warnings.count
                        ))
                    }
                }
                guard output.put(.batch(out)) else { return }
            }
        }
    }
}

/// Puts validated batches back in file order (the workers take turns) and resolves the
/// file's repeats: the first row with a key wins, an identical repeat is unchanged, a
/// different one is quarantined. Its batches are exactly what one thread reading and
/// validating in turn produced.
struct RowSequencer {
    var schema: Schema
    var path: String
    var expectedRows: Int
    /// A full extract's stored rows (`RowProducer.stored`): their keys' repeats go by slot.
    var stored: StoredRowTable?
    /// A first load: the store's key index tells repeats after the last row (`RepeatDetector`, deferred).
    var repeats = RepeatTelling.asTheyCome

    func run(from inputs: [RowChannel<StageMessage<ValidatedBatch>>], to channel: RowChannel<ProducerMessage>) {
        var repeats = RepeatDetector(expectedRows: expectedRows, stored: stored, telling: repeats)
        let width = schema.fields.count
        let keyIndex = schema.keyIndex
        var turn = 0
        while let message = inputs[turn].next() {
            turn = (turn + 1) % inputs.count
            switch message {
            case .finished(let ignored):
                _ = channel.put(.finished(ignoredColumns: ignored))
                return
            case .failed(let box):
                _ = channel.put(.failed(box))
                return
            case .batch(let validated):
                var batch = RowBatch()
                batch.rowsRead = validated.rows.count
                batch.bytesRead = validated.bytesRead
                // Where each kept row's values start in the validated batch: when every row
                // with values is kept (the usual case) the array moves on whole, not copied.
                var kept: [Int] = []
                kept.reserveCapacity(validated.rows.count)
                for row in validated.rows {
                    switch row {
                    case .bad(let entry, let key):
                        batch.quarantine.append((entry, key))
                    case .unchanged(let line, let slot, let fingerprint):
                        switch repeats.check(slot: slot, fingerprint: fingerprint, stored: fingerprint) {
                        case .first: batch.unchangedSlots.append(slot)
                        case .identical: batch.repeats += 1
                        case .conflicting:
                            batch.quarantine.append((duplicate(line: line, key: stored?.key(at: slot) ?? ""), nil))
                        }
                    case .good(let line, let fingerprint, let raw, let start, let warnings):
                        // A key cell that is not text (never, for a required key) is not told.
                        guard let outcome = validated.values.withText(at: start + keyIndex, {
                            repeats.check(key: $0, fingerprint: fingerprint)
                        }) else {
                            if !warnings.isEmpty { batch.warnings.append(contentsOf: validated.warnings[warnings]) }
                            continue
                        }
                        switch outcome {
                        case .first:
                            // A repeat is not written again, so only a first row's warnings count.
                            if !warnings.isEmpty {
                                batch.warnings.append(contentsOf: validated.warnings[warnings])
                                if validated.warnings[warnings].contains(where: { $0.reason == .unknownDivision }) {
                                    batch.rowsWithUnknownDivision += 1
                                }
                            }
                            kept.append(start)
                            batch.fingerprints.append(fingerprint)
                            batch.rawFingerprints.append(raw)
                        case .identical:
                            batch.repeats += 1
                        case .conflicting:
                            let key = validated.values.withText(at: start + keyIndex) { String(decoding: $0, as: UTF8.self) }
                            batch.quarantine.append((duplicate(line: line, key: key ?? ""), nil))
                        }
                    }
                }
                if kept.count * width == validated.values.count {
                    batch.values = validated.values
                } else {
                    batch.values.reserveCapacity(cells: kept.count * width, bytes: validated.values.bytes.count)
                    for start in kept { batch.values.append(contentsOf: validated.values, start..<(start + width)) }
                }
                guard channel.put(.batch(batch)) else { return }
            }
        }
    }

    /// A later row with an earlier row's key but other content.
    private func duplicate(line: Int, key: String) -> QuarantineEntry {
        QuarantineEntry(
            file: path, line: line, field: schema.key.name, reason: .duplicateKey, value: key,
            message: "\(schema.key.label)与本文件前面一行相同，但其他内容不同；保留前一行。"
        )
    }
}
