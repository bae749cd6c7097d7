internal import Datasets
internal import Foundation
internal import Ingest
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

    public init(store: ProfileStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func run(
        _ request: ImportRequest, progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) throws -> ImportSummary {
        let schema = store.schemas[request.kind]
        let size = try Self.fileSize(request.path)
        let format = try Self.format(of: request.path)
        let sha256 = try FileDigest.sha256(path: request.path)
        if let previous = try store.previousImport(kind: request.kind, sha256: sha256) {
            logger.info("内容相同的文件已导入过，跳过", metadata: ["file": "\(request.path)", "import": "\(previous.id)"])
            return ImportSummary(
                kind: request.kind, path: request.path, record: previous, isNoOp: true, ignoredColumns: [],
                reasons: [], maxBadRate: request.maxBadRate
            )
        }
        let userMap = try request.mapPath.map(HeaderMap.loadUserMap(path:)) ?? [:]
        let start = ImportStart(
            path: request.path, size: size, sha256: sha256, kind: request.kind.rawValue, format: format,
            encoding: "utf-8"
        )
        let began = Date()
        var ignored: [String] = []
        var reasonCounts: [ReasonCode: Int] = [:]
        let record = try store.performImport(start, kind: request.kind) { writer in
            let source = try CSVRecordSource(path: request.path, schema: schema, userMap: userMap)
            ignored = source.ignoredColumns
            var validator = RowValidator(schema: schema, divisions: store.schemas.divisions, file: request.path)
            var counts = ImportCounts()
            var quarantine: [QuarantineEntry] = []
            var seen: [String: Int] = [:]
            var cells: [RawCell] = []
            var values: [FieldValue] = []
            func quarantined(_ entry: QuarantineEntry) {
                quarantine.append(entry)
                reasonCounts[entry.reason, default: 0] += 1
            }
            while let next = try source.next(cells: &cells) {
                counts.rowsRead += 1
                if let progress, counts.rowsRead % progressInterval == 0 {
                    progress(ImportProgress(
                        rows: counts.rowsRead, bytesRead: source.bytesRead, totalBytes: Int(size),
                        elapsedSeconds: Date().timeIntervalSince(began)
                    ))
                }
                switch next {
                case .malformed(let entry):
                    quarantined(entry)
                case .row(let line):
                    if let entry = validator.validate(cells, line: line, into: &values) {
                        quarantined(entry)
                        continue
                    }
                    // Within one file the first row with a key wins; an identical repeat is unchanged.
                    guard case .text(let key) = values[schema.keyIndex] else { continue }
                    let fingerprint = values.hashValue
                    if let earlier = seen[key] {
                        if earlier == fingerprint {
                            counts.unchanged += 1
                        } else {
                            quarantined(QuarantineEntry(
                                file: request.path, line: line, field: schema.key.name, reason: .duplicateKey,
                                value: key, message: "\(schema.key.label)与本文件前面一行相同，但其他内容不同；保留前一行。"
                            ))
                        }
                        continue
                    }
                    seen[key] = fingerprint
                    switch try writer.upsert(values) {
                    case .inserted: counts.inserted += 1
                    case .updated: counts.updated += 1
                    case .unchanged: counts.unchanged += 1
                    }
                }
            }
            counts.quarantined = quarantine.count
            let rate = counts.rowsRead == 0 ? 0 : Double(counts.quarantined) / Double(counts.rowsRead)
            let accepted = rate <= request.maxBadRate
            var message: String?
            if !accepted {
                message = "坏行比例 \(Self.percent(rate)) 超过上限 \(Self.percent(request.maxBadRate))，本次导入未写入任何数据行。"
                counts.inserted = 0
                counts.updated = 0
                counts.unchanged = 0
            }
            return ImportDecision(accepted: accepted, counts: counts, quarantine: quarantine, message: message)
        }
        let summary = ImportSummary(
            kind: request.kind, path: request.path, record: record, isNoOp: false, ignoredColumns: ignored,
            reasons: reasonCounts.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
                .map { ($0.key, $0.value) },
            maxBadRate: request.maxBadRate
        )
        logger.info("导入结束", metadata: [
            "file": "\(request.path)", "import": "\(record.id)", "status": "\(record.status.rawValue)",
            "rows": "\(record.counts.rowsRead)", "quarantined": "\(record.counts.quarantined)",
        ])
        return summary
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

    static func format(of path: String) throws -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "csv", "txt", "": return "csv"
        default: throw IngestError.unsupportedFormat(path: path, format: ext)
        }
    }
}
