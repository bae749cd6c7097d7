public import Datasets
public import Ingest

/// What to import and how strictly.
public struct ImportRequest: Sendable {
    public var kind: DatasetKind
    /// The path as the user gave it; quarantine entries name the file this way.
    public var path: String
    /// Above this share of bad rows the whole import is rejected (default 5 %).
    public var maxBadRate: Double
    /// A `--map` file: source header → canonical field name.
    public var mapPath: String?
    /// The file's format; nil: from its extension.
    public var format: InputFormat?
    /// The file's encoding; nil: detected (BOM → valid UTF-8 → GB18030; XML: its declaration).
    public var encoding: TextEncoding?
    /// The file is the complete current population: entities absent from it become inactive.
    public var full: Bool

    public init(
        kind: DatasetKind, path: String, maxBadRate: Double = 0.05, mapPath: String? = nil,
        format: InputFormat? = nil, encoding: TextEncoding? = nil, full: Bool = false
    ) {
        self.kind = kind
        self.path = path
        self.maxBadRate = maxBadRate
        self.mapPath = mapPath
        self.format = format
        self.encoding = encoding
        self.full = full
    }
}

/// Progress of a running import, for a terminal.
public struct ImportProgress: Sendable {
    public var rows: Int
    public var bytesRead: Int
    public var totalBytes: Int
    public var elapsedSeconds: Double
}
