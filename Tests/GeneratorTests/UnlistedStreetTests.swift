import Datasets
import Generator
import MianshenTesting
import XCTest

/// `--unlisted-street-rate`: the same files as without it, except that a share of 二七区 street
/// codes are structurally valid codes divisions.yaml does not list.
final class UnlistedStreetTests: XCTestCase {
    func testOnlyStreetCodesChangeAndOnlyToUnlistedOnes() throws {
        let dir = try TemporaryDirectory()
        let schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
        func generate(_ name: String, rate: Double) throws {
            _ = try FixtureGenerator(schemas: schemas, options: FixtureOptions(
                residents: 1500, enterprises: 300, outputDirectory: dir.file(name), seed: 5, badRate: 0.02,
                unlistedStreetRate: rate
            )).run()
        }
        try generate("listed", rate: 0)
        try generate("unlisted", rate: 0.2)
        for (kind, field) in [(DatasetKind.residents, "hukou_division"), (.enterprises, "reg_division")] {
            let name = kind.rawValue + ".csv"
            let before = Files.lines(try Files.bytes(dir.file("listed/" + name)))
            let after = Files.lines(try Files.bytes(dir.file("unlisted/" + name)))
            XCTAssertEqual(before.count, after.count, name)
            let header = (Files.text(before[0]) ?? "").split(separator: ",").map(String.init)
            var changed = 0
            for (old, new) in zip(before.dropFirst(), after.dropFirst()) where old != new {
                let a = RecordParser.csv(old, header: header)
                let b = RecordParser.csv(new, header: header)
                // A record this simple reader cannot split (a corrupted one) is left to the import tests.
                guard a.malformed == nil else { continue }
                XCTAssertEqual(a.cells.filter { $0.key != field }, b.cells.filter { $0.key != field }, "\(name): only \(field) changes")
                XCTAssertTrue(schemas.divisions.isUnlistedErqiTownship(b[field]), "\(name): \(b[field]) is a valid unlisted street")
                XCTAssertTrue(schemas.divisions.erqiTownships[a[field]] != nil, "\(name): it replaced a listed one")
                changed += 1
            }
            XCTAssertGreaterThan(changed, kind == .residents ? 100 : 20, name)
        }
        XCTAssertEqual(
            try Files.bytes(dir.file("listed/licences.csv")), try Files.bytes(dir.file("unlisted/licences.csv")),
            "licences do not carry divisions"
        )
        XCTAssertThrowsError(try FixtureGenerator(schemas: schemas, options: FixtureOptions(
            residents: 1, enterprises: 1, outputDirectory: dir.file("x"), unlistedStreetRate: 1.5
        )))
    }
}
