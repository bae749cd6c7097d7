public import Datasets
import Foundation

/// Generates realistic synthetic data of 二七区 — residents in households, enterprises and
/// their licences — with a chosen share of deliberately corrupted records and a manifest of
/// them (`bad_rows.csv`), for exercising the importer at scale.
///
/// Line conventions (the manifest's `line`; record `i` counts from 0):
/// - CSV: the header of canonical field names in schema order is line 1, record i is on line
///   i + 2; no value contains a comma, quote or newline; LF; no BOM.
/// - JSON Lines: record i is on line i + 1, a flat object keyed by canonical field names;
///   integer and decimal values are JSON numbers written exactly, everything else strings.
///   An empty optional value is alternately `null` and an omitted key; an empty required value
///   (a `missing_required` corruption) is always `""`.
/// - XML: line 1 the declaration, line 2 `<residents>` (the kind), record i on line i + 3 as one
///   line `<resident>…</resident>`, last line the root's end tag. An empty optional value is
///   alternately `<phone/>` and an omitted element; an empty required value is `<name></name>`.
///
/// The same seed and options give byte-identical files; the corrupted record indices and the
/// clean records are the same whatever the format and encoding.
public struct FixtureGenerator: Sendable {
    public static let manifestName = "bad_rows.csv"
    public static let manifestHeader = "file,line,field,reason_code"

    public let schemas: SchemaSet
    public let options: FixtureOptions

    public init(schemas: SchemaSet, options: FixtureOptions) throws {
        guard options.residents >= 0, options.enterprises >= 0 else {
            throw FixtureError("居民数和企业数不能为负数。")
        }
        guard options.badRate >= 0, options.badRate <= 1 else {
            throw FixtureError("坏行比例应在 0 到 1 之间，实际为 \(options.badRate)。")
        }
        guard options.unlistedStreetRate >= 0, options.unlistedStreetRate <= 1 else {
            throw FixtureError("名单外街道代码比例应在 0 到 1 之间，实际为 \(options.unlistedStreetRate)。")
        }
        guard options.night >= 0 else {
            throw FixtureError("第几晚不能为负数，实际为 \(options.night)。")
        }
        self.schemas = schemas
        self.options = options
    }

    /// Writes the three data files and the manifest into `options.outputDirectory`.
    public func run() throws -> FixtureReport {
        let directory = options.outputDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FixtureError("无法创建输出目录 \(directory)：请检查上级目录是否存在、是否有写入权限（\(error.localizedDescription)）。")
        }
        let licences = try LicenceMaker(schema: schemas.licences, options: options, directory: directory)
        let enterprises = try EnterpriseMaker(schemas: schemas, options: options, directory: directory, licences: licences)
        let residents = try ResidentMaker(schemas: schemas, options: options, directory: directory, licences: licences)

        // Enterprises first, so the licences file lists enterprise licences, then 残疾人证.
        try enterprises.generate(count: options.enterprises)
        try residents.generate(count: residents.night.generatedCount)
        try residents.finish()
        try enterprises.finish()
        try licences.finish()

        let tallies = [residents.tally, enterprises.tally, licences.tally]
        let corrupted = tallies.flatMap(\.corrupted).sorted()
        let manifestPath = directory + "/" + Self.manifestName
        var manifest = Self.manifestHeader + "\n"
        for row in corrupted { manifest += row.description + "\n" }
        let manifestBytes = Array(manifest.utf8)
        guard FileManager.default.createFile(atPath: manifestPath, contents: Data(manifestBytes)) else {
            throw FixtureError("无法写入清单文件 \(manifestPath)。")
        }

        var files = [
            WrittenFile(kind: .residents, name: residents.writer.fileName, path: residents.writer.sink.path,
                        records: residents.writer.count, bytes: residents.writer.sink.bytesWritten),
            WrittenFile(kind: .enterprises, name: enterprises.writer.fileName, path: enterprises.writer.sink.path,
                        records: enterprises.writer.count, bytes: enterprises.writer.sink.bytesWritten),
            WrittenFile(kind: .licences, name: licences.writer.fileName, path: licences.writer.sink.path,
                        records: licences.writer.count, bytes: licences.writer.sink.bytesWritten),
        ]
        files.append(WrittenFile(kind: nil, name: Self.manifestName, path: manifestPath, records: corrupted.count, bytes: manifestBytes.count))
        let missing = residents.tally.missingRates(schema: schemas.residents)
            + enterprises.tally.missingRates(schema: schemas.enterprises)
            + licences.tally.missingRates(schema: schemas.licences)
        return FixtureReport(options: options, files: files, corrupted: corrupted, missing: missing)
    }
}
