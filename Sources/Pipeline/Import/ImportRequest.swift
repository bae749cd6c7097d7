public import Datasets

/// What to import and how strictly.
public struct ImportRequest: Sendable {
    public var kind: DatasetKind
    /// The path as the user gave it; quarantine entries name the file this way.
    public var path: String
    /// Above this share of bad rows the whole import is rejected (default 5 %).
    public var maxBadRate: Double
    /// A `--map` file: source header → canonical field name.
    public var mapPath: String?

    public init(kind: DatasetKind, path: String, maxBadRate: Double = 0.05, mapPath: String? = nil) {
        self.kind = kind
        self.path = path
        self.maxBadRate = maxBadRate
        self.mapPath = mapPath
    }
}

/// Progress of a running import, for a terminal.
public struct ImportProgress: Sendable {
    public var rows: Int
    public var bytesRead: Int
    public var totalBytes: Int
    public var elapsedSeconds: Double
}
