public import Datasets

/// The file format of generated data; the importer's line conventions are documented on
/// `FixtureGenerator`.
public enum FixtureFormat: String, CaseIterable, Sendable {
    case csv
    case jsonl
    case xml

    /// The file name extension: `residents.csv`, `residents.jsonl`, `residents.xml`.
    public var fileExtension: String { rawValue }

    /// The physical line of record `index` (0-based): CSV has a header line, XML a declaration
    /// and the root's start tag.
    public func line(ofRecord index: Int) -> Int {
        switch self {
        case .csv: index + 2
        case .jsonl: index + 1
        case .xml: index + 3
        }
    }
}

/// The character encoding of generated data (all three formats).
public enum FixtureEncoding: String, CaseIterable, Sendable {
    case utf8 = "utf-8"
    case gb18030

    /// The name in an XML declaration and for iconv.
    public var ianaName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gb18030: "GB18030"
        }
    }
}

/// What to generate and where.
public struct FixtureOptions: Sendable {
    public var residents: Int
    public var enterprises: Int
    /// The directory the files are written to (created when missing).
    public var outputDirectory: String
    public var seed: UInt64
    /// The share of records of each file that are corrupted (0–1).
    public var badRate: Double
    public var format: FixtureFormat
    public var encoding: FixtureEncoding
    /// "Today" for ages, expiry dates and certificate dates, so output never depends on the clock.
    public var asOf: Day
    /// The share of 二七区 records (households for residents) whose street code is replaced by a
    /// structurally valid one missing from divisions.yaml (0–1, default 0): they must import
    /// with an `unknown_division` warning, never be rejected.
    public var unlistedStreetRate: Double
    /// "The next night" of the resident extract (0: the extract itself), see `NightChanges`:
    /// each night about 1 % of residents change, 0.2 % are new and 0.2 % gone.
    public var night: Int

    /// 2026-11-27, the statistics date of the committed fixtures.
    public static let defaultAsOf = Day(daysSinceEpoch: 20_784)

    public init(
        residents: Int, enterprises: Int, outputDirectory: String, seed: UInt64 = 1, badRate: Double = 0,
        format: FixtureFormat = .csv, encoding: FixtureEncoding = .utf8, asOf: Day = FixtureOptions.defaultAsOf,
        unlistedStreetRate: Double = 0, night: Int = 0
    ) {
        self.residents = residents
        self.enterprises = enterprises
        self.outputDirectory = outputDirectory
        self.seed = seed
        self.badRate = badRate
        self.format = format
        self.encoding = encoding
        self.asOf = asOf
        self.unlistedStreetRate = unlistedStreetRate
        self.night = night
    }
}

/// A generation that cannot run or cannot write its files.
public struct FixtureError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
