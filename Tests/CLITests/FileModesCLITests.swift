import Foundation
import MianshenTesting
import XCTest

/// Files that hold personal data are owner-only whatever the umask: the store, exports,
/// applications and reports; `db info` warns about a store others can read.
final class FileModesCLITests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var db: String { dir.file("modes.db") }
    private var savedMask: mode_t = 0

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        // The child inherits the umask: 000 would make every file world-readable and -writable.
        savedMask = umask(0)
    }

    override func tearDown() {
        umask(savedMask)
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> CLIResult {
        let result = try CLIRunner.run(arguments + ["--db", db])
        XCTAssertEqual(result.status, 0, "\(arguments): " + result.stdout + result.stderr)
        return result
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.posixPermissions] as? Int, path)
    }

    func testOutputsAreOwnerOnlyWhateverTheUmask() throws {
        for (kind, file) in [("residents", "residents.csv"), ("enterprises", "enterprises.csv"), ("licences", "licences.csv")] {
            try run(["import", kind, "Fixtures/" + file])
        }
        XCTAssertEqual(try mode(db), 0o600, "the store")
        try run(["run", "--as-of", "2025-12-01"])
        try run(["report", "--out", dir.file("report.html")])
        try run(["report", "--format", "csv", "--out", dir.file("report-csv")])
        try run(["applications", "generate", "--out", dir.file("apps/nested")])

        XCTAssertEqual(try mode(dir.file("report.html")), 0o600)
        XCTAssertEqual(try mode(dir.file("report-csv")), 0o700)
        XCTAssertEqual(try mode(dir.file("report-csv/policies.csv")), 0o600)
        XCTAssertEqual(try mode(dir.file("apps")), 0o700, "intermediate directories too")
        XCTAssertEqual(try mode(dir.file("apps/nested")), 0o700)
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: dir.file("apps"))?.allObjects as? [String])
        XCTAssertGreaterThan(files.count, 10)
        for file in files {
            let path = dir.file("apps/" + file)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            XCTAssertEqual(try mode(path), isDirectory.boolValue ? 0o700 : 0o600, file)
        }
        let info = try run(["db", "info"])
        XCTAssertFalse(info.stderr.contains("警告"), info.stderr)
    }

    func testDBInfoWarnsWhenOthersCanReadTheStore() throws {
        try run(["import", "residents", "Fixtures/residents.csv"])
        XCTAssertEqual(chmod(db, 0o644), 0)
        let info = try run(["db", "info"])
        XCTAssertTrue(info.stderr.contains("警告：\(db) 的权限为 -rw-r--r--，本机其他用户可以读取其中的个人信息；请执行 chmod 600 \(db)。"), info.stderr)
        let json = try run(["db", "info", "--format", "json"]).stdout
        XCTAssertTrue(json.contains("\"exposed_files\":[{\"mode\":\"644\""), json)
        XCTAssertEqual(try mode(db), 0o644, "db info reports, it does not change the file")
    }
}
