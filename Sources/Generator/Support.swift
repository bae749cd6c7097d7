import Datasets

/// Calendar arithmetic on `Day`.
enum DayMath {
    @inline(__always)
    static func offset(_ day: Day, _ days: Int) -> Day {
        Day(daysSinceEpoch: day.daysSinceEpoch + Int32(days))
    }

    /// The same calendar day `years` later (or earlier); 29 February becomes 28 February.
    static func adding(years: Int, to day: Day) -> Day {
        let (y, m, d) = day.components
        let year = y + years
        return Day(year: year, month: m, day: min(d, Day.daysIn(month: m, year: year)))
            ?? Day(daysSinceEpoch: day.daysSinceEpoch + Int32(years * 365))
    }

    @inline(__always)
    static func days(from start: Day, to end: Day) -> Int {
        Int(end.daysSinceEpoch - start.daysSinceEpoch)
    }

    static func year(_ day: Day) -> Int { day.components.year }
}

/// Decides, per record index, whether a record is corrupted, and gives that record its own
/// random stream for choosing how. The decision depends only on the seed, the file's kind and
/// the index, never on the format or encoding, so the clean rows are the same in every format.
struct CorruptionDice {
    let badRate: Double
    private let key: UInt64

    init(seed: UInt64, kind: DatasetKind, badRate: Double) {
        self.badRate = badRate
        let tag: UInt64 = switch kind {
        case .residents: 0xC0AA_0001
        case .enterprises: 0xC0AA_0002
        case .licences: 0xC0AA_0003
        }
        key = SplitMix64.mix(seed ^ SplitMix64.mix(tag))
    }

    @inline(__always)
    func roll(_ index: Int) -> SplitMix64? {
        guard badRate > 0 else { return nil }
        var random = SplitMix64(seed: key &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        return random.unit() < badRate ? random : nil
    }
}

/// How a record-level ("format") corruption lands in each format; XML gets a field-level one.
enum FormatLevel {
    case wrongColumnCount
    case badJSON
    case badEncoding
    case none
}

/// Counts and bookkeeping of one output file.
struct FileTally {
    let kind: DatasetKind
    let fileName: String
    let optional: [Bool]
    var empties: [Int]
    var records = 0
    var corrupted: [CorruptedRow] = []

    init(schema: Schema, fileName: String) {
        kind = schema.kind
        self.fileName = fileName
        optional = schema.fields.map { !$0.required }
        empties = Array(repeating: 0, count: schema.fields.count)
    }

    @inline(__always)
    mutating func count(_ record: RecordBuffer) {
        records += 1
        for i in 0..<optional.count where optional[i] && record.isEmpty(i) {
            empties[i] += 1
        }
    }

    mutating func corrupt(line: Int, field: Int, reason: ReasonCode, schema: Schema) {
        corrupted.append(CorruptedRow(
            file: fileName, line: line, field: field >= 0 ? schema.fields[field].name : "", reason: reason
        ))
    }

    func missingRates(schema: Schema) -> [MissingRate] {
        schema.fields.indices.compactMap { i in
            guard optional[i] else { return nil }
            let field = schema.fields[i]
            let meaning: String = switch field.empty {
            case .unknown: "未知"
            case .value(_, let label, nil): label
            case .value(_, let label, let when?):
                "\(label)（\(schema.fields[when.field].label)为“\(when.equals)”时；否则未知）"
            }
            return MissingRate(kind: kind, field: field.name, label: field.label, meaning: meaning, empty: empties[i], total: records)
        }
    }
}

/// Random picks shared by the makers.
extension RandomSource {
    /// A mobile number: a real prefix and 8 digits.
    mutating func appendMobile(to out: inout [UInt8]) {
        out.append(contentsOf: pick(Vocabulary.mobilePrefixes))
        Bytes.appendPadded(below(100_000_000), width: 8, to: &out)
    }

    /// A 郑州 landline: 0371- and 8 digits starting 5–8.
    mutating func appendLandline(to out: inout [UInt8]) {
        out.append(contentsOf: Vocabulary.areaCode)
        Bytes.appendInt(int(5...8), to: &out)
        Bytes.appendPadded(below(10_000_000), width: 7, to: &out)
    }

    /// A money amount in cents between the bounds (in whole units), to 2 decimals.
    mutating func cents(_ range: ClosedRange<Int>) -> Int {
        int(range.lowerBound * 100...range.upperBound * 100)
    }
}

/// The first decision for a corrupted record, the same in every maker. It draws, in this
/// order, the defect (the last case of a maker's `Defect` is the record-level one), a
/// field-level fallback, then the maker's own `extraDraw`. CSV and JSON Lines turn a
/// record-level defect into damage of their own; XML, which has none that would keep the
/// document well-formed, takes the fallback. The draw order is part of the output: changing
/// it changes every generated file.
enum DefectDraw {
    struct Start {
        /// CSV / JSON Lines damage for the whole record.
        var recordLevel: Bool
        /// Otherwise: the field-level defect to try first (its raw value).
        var fieldDefect: Int
    }

    static func start(
        _ dice: inout SplitMix64, defects: Int, format: FixtureFormat, extraDraw: (inout SplitMix64) -> Void = { _ in }
    ) -> Start {
        let fieldLevel = defects - 1
        let defect = dice.below(defects)
        let fallback = dice.below(fieldLevel)
        extraDraw(&dice)
        guard defect == fieldLevel else { return Start(recordLevel: false, fieldDefect: defect) }
        return Start(recordLevel: format != .xml, fieldDefect: fallback)
    }

    /// The record-level damage of a format (never asked for XML).
    static func recordDamage(_ format: FixtureFormat) -> (FormatDamage, (Int, ReasonCode)?) {
        format == .csv ? (.extraColumn, (-1, .wrongColumnCount)) : (.missingBrace, (-1, .badJSON))
    }
}
