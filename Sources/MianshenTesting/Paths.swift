import Foundation

/// Locations of the repository's rules and fixtures, found relative to this source file.
public enum RepositoryPaths {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var rules: String { root + "/Rules" }
    public static var schemas: String { root + "/Rules/schemas" }
    public static var fixtures: String { root + "/Fixtures" }

    public static func fixture(_ name: String) -> String { fixtures + "/" + name }
}

/// A fresh directory under the system temp folder, removed when the test ends.
public final class TemporaryDirectory {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "mianshen-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Copies the repository's schemas to `schemas/`, making this directory a rules directory.
    public func copySchemas() throws {
        try FileManager.default.createDirectory(atPath: file("schemas"), withIntermediateDirectories: true)
        for name in ["residents", "enterprises", "licences", "divisions"] {
            try FileManager.default.copyItem(atPath: RepositoryPaths.schemas + "/\(name).yaml", toPath: file("schemas/\(name).yaml"))
        }
    }

    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        let target = file(name)
        try contents.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }
}
