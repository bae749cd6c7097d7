import Foundation
import MianshenTesting
@testable import Pipeline
import XCTest

/// The import's SHA-256, hashed beside it on an idle-class thread and finished by the importer
/// from wherever that thread got to, is the file's SHA-256 whenever it is asked for.
final class FileDigestTests: XCTestCase {
    func testAKnownVector() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("abc.txt", "abc")
        XCTAssertEqual(try FileDigest.sha256(path: path), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(try BackgroundDigest(path: path).value(), try FileDigest.sha256(path: path))
        let empty = try dir.write("empty.txt", "")
        XCTAssertEqual(try BackgroundDigest(path: empty).value(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testTakenOverAtAnyPointTheDigestIsTheFiles() throws {
        let dir = try TemporaryDirectory()
        // Several of the thread's 1 MiB chunks, and not a whole number of them.
        var bytes = [UInt8](repeating: 0, count: 5 << 20 | 12_345)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        let path = dir.file("big.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let expected = try FileDigest.sha256(path: path)
        for wait in [0, 0, 100, 1_000, 3_000, 10_000, 200_000] {
            let digest = BackgroundDigest(path: path)
            if wait > 0 { usleep(useconds_t(wait)) }
            XCTAssertEqual(try digest.value(), expected, "taken over after \(wait) µs")
        }
    }

    func testAFileGoneBeforeItIsAskedForIsAnError() throws {
        let dir = try TemporaryDirectory()
        let digest = BackgroundDigest(path: dir.file("missing.csv"))
        XCTAssertThrowsError(try digest.value())
    }
}
