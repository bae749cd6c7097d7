internal import Datasets
internal import Foundation
internal import Ingest
internal import Store

/// Rows read and validated on the reading thread, handed to the writer in batches.
struct RowBatch: Sendable {
    /// Valid rows, each key once, flat: row r is `values[r * fieldCount ..< (r + 1) * fieldCount]`
    /// in schema order. One array per batch instead of one per row.
    var values = FlatValues()
    /// Row r's `FieldValue.fingerprint(of:)`, stored with it (`row_fingerprint`).
    var fingerprints: [Int64] = []
    /// Row r's raw fingerprint (`RecordSource.rawFingerprint`), nil when it had warnings or the
    /// source keeps none (`raw_fingerprint`).
    var rawFingerprints: [Int64?] = []
    /// Slots (in the writer's `StoredRowTable`) of rows a stored row already holds byte for
    /// byte (`SourceRecord.unchanged`), each once: unchanged, not validated nor written, only
    /// noted as seen.
    var unchangedSlots: [Int] = []
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

/// What the reading side hands the writer.
typealias ProducerMessage = StageMessage<RowBatch>

/// Carries an error from the reading thread to the writing one. Errors thrown by readers are
/// value types (IngestError is Sendable); the box only satisfies the compiler for `any Error`.
struct ErrorBox: @unchecked Sendable {
    let error: any Error
}

/// Reads one file and validates every record, off the writing thread: one thread reads and
/// splits records, `validators` threads validate alternate batches (validation is most of the
/// reading side's work), and a sequencer puts them back in file order and resolves repeats.
/// The writer sees the same batches as from a single reading thread.
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
    var validators = 2
    /// With a full extract into a populated table: the stored rows (`ImportWriter.stored`), so
    /// that records stored before byte for byte skip validation. Nil: every record is validated.
    var stored: StoredRowTable?
    /// How the file's repeated keys are told (`RepeatDetector`).
    var repeats = RepeatTelling.asTheyCome

    func start(into channel: RowChannel<ProducerMessage>) {
        let raw = (0..<validators).map { _ in RowChannel<StageMessage<RawBatch>>(capacity: 2) }
        let validated = (0..<validators).map { _ in RowChannel<StageMessage<ValidatedBatch>>(capacity: 2) }
        let worker = ValidationWorker(schema: schema, divisions: divisions, path: path)
        let sequencer = RowSequencer(
            schema: schema, path: path, expectedRows: expectedRows, stored: stored, repeats: repeats
        )
        Self.spawn("mianshen-import-reader") { self.read(into: raw) }
        for (input, output) in zip(raw, validated) {
            Self.spawn("mianshen-import-validate") { worker.run(from: input, to: output) }
        }
        Self.spawn("mianshen-import-sequence") {
            sequencer.run(from: validated, to: channel)
            // However the sequencer ended (done, or the writer gave up), nothing waits on these any more.
            for stage in raw { stage.cancel() }
            for stage in validated { stage.cancel() }
        }
    }

    private static func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }

    /// Reads the file into raw batches, dealt to the validators in turn; the end (or an error)
    /// goes first to the validator whose turn it is (the sequencer takes it from there), then
    /// to the others so that they stop.
    func read(into stages: [RowChannel<StageMessage<RawBatch>>]) {
        var turn = 0
        func deal(_ message: StageMessage<RawBatch>) -> Bool {
            defer { turn = (turn + 1) % stages.count }
            return stages[turn].put(message)
        }
        func end(_ message: StageMessage<RawBatch>) {
            for _ in stages { _ = deal(message) }
        }
        do {
            let source = try format.open(path: path, schema: schema, userMap: userMap, encoding: encoding)
            var lookup: RawRowLookup?
            if let cursor = stored?.makeCursor() {
                // The reading thread's own way through the stored rows (it keeps its place).
                lookup = { key, raw in cursor.unchanged(key: key, raw: raw) }
            }
            _ = source.enableRawFingerprints(seed: Self.rawSeed(schema: schema, divisions: divisions, userMap: userMap), lookup: lookup)
            var batch = RawBatch()
            var batchBytes = 0
            while let record = try source.next(into: &batch.cells) {
                batch.records.append(record)
                if case .row = record { batch.rawFingerprints.append(source.rawFingerprint) }
                if batch.records.count == batchSize {
                    batch.bytesRead = source.bytesRead
                    // The next batch's cells take about as many bytes as this one's.
                    batchBytes = max(batchBytes, batch.cells.bytes.count)
                    guard deal(.batch(batch)) else { return }
                    batch = RawBatch()
                    batch.records.reserveCapacity(batchSize)
                    batch.cells.reserve(cells: batchSize * schema.fields.count, bytes: batchBytes + batchBytes / 8)
                }
            }
            batch.bytesRead = source.bytesRead
            guard deal(.batch(batch)) else { return }
            end(.finished(ignoredColumns: source.ignoredColumns))
        } catch {
            end(.failed(ErrorBox(error: error)))
        }
    }

    /// Bump when validation changes in code (not in the schema files) so that no raw bytes
    /// stored before are trusted to mean the same values.
    static let validationVersion: UInt64 = 1

    /// Everything besides the record itself that decides what its bytes validate to: the
    /// validation code's version, the schema and division list files (hand-kept lists
    /// included), and the user's header map. The source adds format, encoding and header.
    static func rawSeed(schema: Schema, divisions: DivisionCatalog, userMap: [String: String]) -> RowHasher {
        var hasher = RowHasher()
        hasher.combine(validationVersion)
        hasher.combine(UInt64(bitPattern: schema.contentDigest))
        hasher.combine(UInt64(bitPattern: divisions.contentDigest))
        for (from, to) in userMap.sorted(by: { $0.key < $1.key }) {
            for part in [from, to] {
                var part = part
                part.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            }
        }
        return hasher
    }
}
