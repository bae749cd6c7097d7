public import Datasets
internal import Evaluation
internal import Foundation
internal import Ingest
public import RuleLanguage
public import Logging
public import Store

/// Imports one file into the store: checks its content hash against the ledger (same file
/// twice is a no-op), reads and validates every record, quarantines bad rows with their
/// reason, upserts good rows with change history, and rejects the whole file when the bad
/// share exceeds the limit — all in one transaction.
public struct Importer: Sendable {
    public let store: ProfileStore
    public let logger: Logger
    /// How often (in rows) progress is reported.
    public var progressInterval = 20_000
    /// The fields the rule library reads, per kind of record (`engineFields(rulesDirectory:)`):
    /// a first load saves them as the engine's columns, so the first run reads no row of the
    /// table. Nil: none saved (the first run reads the tables, as it would anyway).
    public var engineFields: [DatasetKind: Set<String>]?

    public init(store: ProfileStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func run(
        _ request: ImportRequest, progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) throws -> ImportSummary {
        let schema = store.schemas[request.kind]
        let size = try Self.fileSize(request.path)
        let format = try request.format ?? InputFormat.detect(path: request.path)
        // A file of a size never imported cannot repeat an import: its hash is computed beside
        // the import (0.1 s of reading at 1 M residents, no longer before it) and written last.
        let digest: BackgroundDigest?
        let sha256: String
        if try store.hasImport(kind: request.kind, size: size) {
            digest = nil
            sha256 = try FileDigest.sha256(path: request.path)
        } else {
            let path = request.path
            digest = BackgroundDigest(path: path)
            sha256 = ""
        }
        if digest == nil, let previous = try store.previousImport(kind: request.kind, sha256: sha256), try isNoOp(request, previous) {
            logger.info("内容相同的文件已导入过，跳过", metadata: ["file": "\(request.path)", "import": "\(previous.id)"])
            return ImportSummary(
                kind: request.kind, path: request.path, record: previous, isNoOp: true, ignoredColumns: [],
                reasons: [], maxBadRate: request.maxBadRate, schemaInactiveLabel: schema.inactiveLabel
            )
        }
        let userMap = try request.mapPath.map(HeaderMap.loadUserMap(path:)) ?? [:]
        // Decide the encoding before the transaction so the ledger names it.
        let encoding: TextEncoding?
        switch format {
        case .csv, .jsonl: encoding = try request.encoding ?? EncodingDetector.detect(path: request.path).encoding
        case .xml: encoding = request.encoding
        }
        let start = ImportStart(
            path: request.path, size: size, sha256: sha256, kind: request.kind.rawValue, format: format.rawValue,
            encoding: encoding?.rawValue ?? "按 XML 声明", full: request.full
        )
        var outcome = RowsOutcome()
        let fields = engineFields.map { $0[request.kind] ?? [] }
        /// One reading of the file in its own transaction; `repeats` for a first load (a full or
        /// partial import into a populated table tells every repeat as it comes).
        func attempt(_ repeats: RepeatTelling) throws -> ImportRecord {
            outcome = RowsOutcome()
            return try store.performImport(
                start, kind: request.kind, engineFields: fields,
                digest: digest.map { task in { try task.value() } }
            ) { writer in
                try writeRows(
                    request, format: format, encoding: encoding, userMap: userMap, size: size, writer: writer,
                    repeats: writer.tableWasEmpty ? repeats : .asTheyCome,
                    progress: progress, outcome: &outcome
                )
            }
        }
        let record: ImportRecord
        do {
            record = try attempt(.deferred(watching: CompactKeySet([])))
        } catch let repeated as RepeatedKeys {
            // A first load whose file repeats a key: nothing of it was kept; read it again, telling
            // the repeats of those keys as they come (see `RepeatDetector`). Telling every key's
            // repeats held a table of all of them: 150 MiB at 1 M residents with one repeat, now 97.
            logger.info("首次导入的文件中有重复的主键，重新读取并逐行核对重复", metadata: [
                "file": "\(request.path)", "keys": "\(repeated.keys.count)",
            ])
            do {
                record = try attempt(.deferred(watching: CompactKeySet(repeated.keys)))
            } catch is RepeatedKeys {
                // Never, as the keys are those the table held twice; should it happen, every key
                // is told as it comes.
                record = try attempt(.asTheyCome)
            }
        }
        let ignored = outcome.ignoredColumns
        let reasonCounts = outcome.reasonCounts
        let summary = ImportSummary(
            kind: request.kind, path: request.path, record: record, isNoOp: false, ignoredColumns: ignored,
            reasons: reasonCounts.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
                .map { ($0.key, $0.value) },
            maxBadRate: request.maxBadRate, schemaInactiveLabel: schema.inactiveLabel,
            warningReasons: outcome.warningCounts.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
                .map { ($0.key, $0.value) },
            rowsWithUnknownDivision: outcome.rowsWithUnknownDivision, unknownDivisionCodes: outcome.unknownDivisionCodes,
            unreadUnchanged: outcome.unreadUnchanged
        )
        logger.info("导入结束", metadata: [
            "file": "\(request.path)", "import": "\(record.id)", "status": "\(record.status.rawValue)",
            "rows": "\(record.counts.rowsRead)", "quarantined": "\(record.counts.quarantined)",
            "warnings": "\(record.counts.warnings)", "unread_unchanged": "\(outcome.unreadUnchanged)",
        ])
        return summary
    }

    /// What the row loop learned besides the decision, for the summary.
    struct RowsOutcome {
        var ignoredColumns: [String] = []
        var reasonCounts: [ReasonCode: Int] = [:]
        var warningCounts: [WarningCode: Int] = [:]
        var rowsWithUnknownDivision = 0
        /// The unlisted street codes seen most often, with their row counts (at most five).
        var unknownDivisionCodes: [(code: String, rows: Int)] = []
        var unreadUnchanged = 0
    }

    /// Inside the import's transaction: reads and validates on a second thread, writes here,
    /// quarantines, and decides whether the bad share allows the import.
    private func writeRows(
        _ request: ImportRequest, format: InputFormat, encoding: TextEncoding?, userMap: [String: String], size: Int64,
        writer: ImportWriter, repeats: RepeatTelling, progress: (@Sendable (ImportProgress) -> Void)?,
        outcome: inout RowsOutcome
    ) throws -> ImportDecision {
        let schema = writer.schema
        let began = Date()
        // Two threads: this one writes, a second reads and validates (RowProducer). Two
        // batches of 1,024 rows in flight keep both busy; more only costs memory (eight of
        // 4,096 held 190 MiB more at a million rows for no gain in time).
        if format == .xml { XMLRecordSource.prepareLibrary() }
        // A full extract into a populated table (the night) writes about 1 % of the rows, at
        // random pages, and waits on the disk whenever SQLite's page cache spills (the rollback
        // journal is synced before any page of the file is overwritten): more batches in flight
        // let reading and validating go on meanwhile. Its batches are mostly slots of unchanged
        // rows, a few kilobytes each.
        let channel = RowChannel<ProducerMessage>(capacity: writer.stored == nil ? 2 : 16)
        defer { channel.cancel() }
        var producer = RowProducer(
            format: format, path: request.path, schema: schema, divisions: store.schemas.divisions,
            userMap: userMap, encoding: encoding, expectedRows: Self.expectedRows(size: size, format: format)
        )
        producer.stored = writer.stored
        producer.repeats = repeats
        writer.keyIndexTellsRepeats = repeats.isDeferred
        producer.start(into: channel)
        // Ends before the decision is returned (and the writer finishes): the columns are complete.
        let written = WrittenBatches(columns: writer.engineColumns, width: schema.fields.count)
        defer { written.finish() }
        var counts = ImportCounts()
        var quarantine: [QuarantineEntry] = []
        var warnings: [DataWarning] = []
        var bytesRead = 0
        var nextProgress = progressInterval
        func quarantined(_ entry: QuarantineEntry, key: String?) throws {
            quarantine.append(entry)
            outcome.reasonCounts[entry.reason, default: 0] += 1
            // A bad row in a full extract still says the entity exists: never retire it for that.
            if request.full, let key = key.map({ Self.canonicalKey($0, of: schema.key) }), !key.isEmpty {
                try writer.markSeen(key)
            }
        }
        reading: while true {
            switch channel.next() {
            case nil:
                // Only this thread cancels the channel, after its last look.
                throw StoreError("导入的读取线程意外停止")
            case .failed(let box):
                throw box.error
            case .finished(let ignoredColumns):
                outcome.ignoredColumns = ignoredColumns
                break reading
            case .batch(let batch):
                counts.rowsRead += batch.rowsRead
                bytesRead = batch.bytesRead
                for (entry, key) in batch.quarantine { try quarantined(entry, key: key) }
                for warning in batch.warnings { outcome.warningCounts[warning.reason, default: 0] += 1 }
                warnings.append(contentsOf: batch.warnings)
                outcome.rowsWithUnknownDivision += batch.rowsWithUnknownDivision
                counts.unchanged += batch.repeats
                // Stored byte for byte already: noted as seen, nothing read or written.
                for slot in batch.unchangedSlots { writer.markSeen(slot: slot) }
                counts.unchanged += batch.unchangedSlots.count
                outcome.unreadUnchanged += batch.unchangedSlots.count
                let width = schema.fields.count
                for (row, start) in stride(from: 0, to: batch.values.count, by: width).enumerated() {
                    // The upsert notes the row's key as seen by a full extract.
                    switch try writer.upsert(
                        batch.values, at: start, fingerprint: batch.fingerprints[row], rawFingerprint: batch.rawFingerprints[row]
                    ) {
                    case .inserted: counts.inserted += 1
                    case .updated: counts.updated += 1
                    case .unchanged: counts.unchanged += 1
                    }
                }
                written.hand(batch.values)
                if let progress, counts.rowsRead >= nextProgress {
                    nextProgress = counts.rowsRead + progressInterval
                    progress(ImportProgress(
                        rows: counts.rowsRead, bytesRead: bytesRead, totalBytes: Int(size),
                        elapsedSeconds: Date().timeIntervalSince(began)
                    ))
                }
            }
        }
        counts.quarantined = quarantine.count
        counts.warnings = warnings.count
        var unlisted: [String: Int] = [:]
        for warning in warnings where warning.reason == .unknownDivision { unlisted[warning.value, default: 0] += 1 }
        outcome.unknownDivisionCodes = unlisted.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map { ($0.key, $0.value) }
        let rate = counts.rowsRead == 0 ? 0 : Double(counts.quarantined) / Double(counts.rowsRead)
        let accepted = rate <= request.maxBadRate
        var message: String?
        if accepted, request.full {
            counts.deactivated = try writer.deactivateUnseen()
        }
        if !accepted {
            // Not finished, so its key index is not rebuilt: ask whether the file repeated a key
            // (its repeats must be told, and counted, as if they had been at once).
            let repeated = try writer.repeatedKeys()
            if !repeated.isEmpty { throw RepeatedKeys(keys: repeated) }
            message = "坏行比例 \(Self.percent(rate)) 超过上限 \(Self.percent(request.maxBadRate))，本次导入未写入任何数据行。"
            counts.inserted = 0
            counts.updated = 0
            counts.unchanged = 0
            outcome.unreadUnchanged = 0
            // Nothing was imported: the warnings must not say their rows were.
            warnings = warnings.map(Self.notImported)
        }
        return ImportDecision(accepted: accepted, counts: counts, quarantine: quarantine, warnings: warnings, message: message)
    }

    /// The fields every policy of the rules under `rulesDirectory` reads (drafts too: a trial
    /// reads them), as a run asks for them; nil when the rules do not compile (an import does
    /// not depend on the rules, and the next run reads the tables).
    public static func engineFields(rulesDirectory: String, schemas: SchemaSet) -> [DatasetKind: Set<String>]? {
        guard let catalog = try? RuleCatalog.entries(rulesDirectory: rulesDirectory, schemas: schemas),
              catalog.compiled.errorCount == 0, let program = catalog.program else { return nil }
        return engineFields(program: program, entries: catalog.entries)
    }

    /// The same from rules already compiled.
    public static func engineFields(program: Program, entries: [CatalogEntry]) -> [DatasetKind: Set<String>] {
        ColumnarEngine.columnRequest(program: program, policies: entries.map(\.policy)).fields
    }

    /// The same content was imported before, and nothing since could make importing it again
    /// change anything: no full extract retired entities after it, and a full extract now
    /// repeats the latest import, which was this same full extract.
    func isNoOp(_ request: ImportRequest, _ previous: ImportRecord) throws -> Bool {
        if let full = try store.latestImport(kind: request.kind, fullOnly: true), full.id > previous.id { return false }
        guard request.full else { return true }
        let latest = try store.latestImport(kind: request.kind)
        return previous.full && latest?.id == previous.id
    }

    /// A low guess of the row count, to size the repeat detector once: typical bytes per
    /// resident row are about 140 in CSV, 330 in JSON Lines and 540 in XML (generated data).
    /// Guessing high costs memory for nothing (a CSV divisor on XML held 190 MiB at 1M rows).
    static func expectedRows(size: Int64, format: InputFormat) -> Int {
        let bytesPerRow: Int64 = switch format {
        case .csv: 140
        case .jsonl: 330
        case .xml: 540
        }
        return Int(min(size / bytesPerRow, 50_000_000))
    }

    /// A warning of a rejected import: its row was not imported after all.
    static func notImported(_ warning: DataWarning) -> DataWarning {
        var warning = warning
        let imported = "已按原值导入"
        let notImported = "本次导入因坏行比例超限已整批拒绝，该行未导入"
        warning.message = warning.message.contains(imported)
            ? warning.message.replacingOccurrences(of: imported, with: notImported)
            : warning.message + "（\(notImported)）"
        return warning
    }

    public static func percent(_ rate: Double) -> String {
        String(format: "%.1f%%", rate * 100)
    }

    static func fileSize(_ path: String) throws -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw IngestError.cannotOpen(path: path, reason: "文件不存在或无读取权限")
        }
    }

    /// A raw key as the validators would store it: trimmed; codes upper-case (x → X, USCC letters).
    static func canonicalKey(_ raw: String, of field: FieldSpec) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        switch field.type {
        case .idNumber, .uscc, .holderID: return trimmed.uppercased()
        default: return trimmed
        }
    }
}
