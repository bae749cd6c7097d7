import Datasets
import Generator
import Ingest
import Logging
import MianshenTesting
import Pipeline
import Store
import XCTest

/// The generator and the importer agree: for every format and encoding at 1 % bad rows, the
/// quarantine equals the generator's manifest exactly, and the clean data in the store are
/// identical whichever format or encoding carried them.
final class GeneratedImportTests: XCTestCase {
    func testQuarantineEqualsManifestAndCleanDataAgreeAcrossFormatsAndEncodings() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        var stores: [String: [DatasetKind: [[FieldValue]]]] = [:]
        for format in FixtureFormat.allCases {
            for encoding in FixtureEncoding.allCases {
                let name = "\(format.fileExtension)-\(encoding.rawValue)"
                let out = dir.file(name)
                let report = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
                    residents: 3000, enterprises: 400, outputDirectory: out, seed: 42, badRate: 0.01,
                    format: format, encoding: encoding
                )).run()
                XCTAssertFalse(report.corrupted.isEmpty, name)
                let store = try ProfileStore(path: dir.file("\(name).db"), schemas: schemas)
                let importer = Importer(store: store, logger: Logger(label: "test"))
                var got: [String] = []
                for kind in DatasetKind.allCases {
                    let file = "\(kind.rawValue).\(format.fileExtension)"
                    let summary = try importer.run(ImportRequest(kind: kind, path: out + "/" + file, maxBadRate: 0.2))
                    XCTAssertEqual(summary.record.status, .ok, "\(name) \(file)")
                    got += try store.quarantine(.importID(summary.record.id)).map {
                        "\(file),\($0.entry.line),\($0.entry.field),\($0.entry.reason.rawValue)"
                    }
                }
                let expected = report.corrupted.map { "\($0.file),\($0.line),\($0.field),\($0.reason.rawValue)" }
                XCTAssertEqual(got.sorted(), expected.sorted(), name)
                let manifest = try String(contentsOfFile: out + "/bad_rows.csv", encoding: .utf8)
                XCTAssertEqual(manifest.split(separator: "\n").count, expected.count + 1, "\(name): manifest file")
                var contents: [DatasetKind: [[FieldValue]]] = [:]
                for kind in DatasetKind.allCases { contents[kind] = try store.allRows(kind) }
                stores[name] = contents
            }
        }
        let reference = try XCTUnwrap(stores["csv-utf-8"])
        XCTAssertGreaterThan(reference[.residents]?.count ?? 0, 2500)
        for (name, contents) in stores {
            for kind in DatasetKind.allCases {
                XCTAssertEqual(contents[kind], reference[kind], "\(name) \(kind.rawValue) differs from csv-utf-8")
            }
        }
    }

    /// Issue 9: an extract whose street codes include codes absent from divisions.yaml imports
    /// whole; the unlisted rows are warnings, listed and counted, and nothing more is rejected.
    func testUnlistedStreetCodesAreWarningsNotBadRows() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        let out = dir.file("gen")
        let report = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
            residents: 3000, enterprises: 400, outputDirectory: out, seed: 42, badRate: 0.01, unlistedStreetRate: 0.2
        )).run()
        let store = try ProfileStore(path: dir.file("g.db"), schemas: schemas)
        let importer = Importer(store: store, logger: Logger(label: "test"))
        for (kind, field) in [(DatasetKind.residents, "hukou_division"), (.enterprises, "reg_division")] {
            let path = out + "/\(kind.rawValue).csv"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            let column = try XCTUnwrap(lines[0].split(separator: ",").firstIndex { $0 == field })
            let bad = Set(report.corrupted.filter { $0.file == "\(kind.rawValue).csv" }.map(\.line))
            let unlisted = lines.indices.dropFirst().filter { i in
                let cells = lines[i].split(separator: ",", omittingEmptySubsequences: false)
                return !bad.contains(i + 1) && cells.count > column && schemas.divisions.isUnlistedErqiTownship(String(cells[column]))
            }
            XCTAssertGreaterThan(Double(unlisted.count) / Double(lines.count - 1), 0.1, "\(kind): about one row in six")
            let summary = try importer.run(ImportRequest(kind: kind, path: path))
            XCTAssertEqual(summary.record.status, .ok, "\(kind): under the default 5 % limit")
            XCTAssertEqual(summary.record.counts.quarantined, report.corrupted.filter { $0.file == "\(kind.rawValue).csv" }.count)
            let warnings = try store.warnings(.importID(summary.record.id))
            XCTAssertEqual(warnings.filter { $0.entry.reason == .unknownDivision }.map(\.entry.line), unlisted.map { $0 + 1 }, "\(kind)")
            XCTAssertEqual(summary.rowsWithUnknownDivision, unlisted.count)
            XCTAssertEqual(summary.record.counts.warnings, warnings.count)
        }
    }
}
