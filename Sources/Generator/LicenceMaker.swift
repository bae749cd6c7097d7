import Datasets

/// Writes `licences.*`: the licences of each enterprise as it is generated, then one 残疾人证
/// per disabled resident. Dates are relative to the as-of day: some licences have expired,
/// about 5% expire within 90 days, some have no expiry (长期有效).
final class LicenceMaker: RecordEmitter {
    struct Slots {
        let holder, holderKind, type, number, issue, expiry: Int

        init(_ schema: Schema) {
            func slot(_ name: String) -> Int { schema.index(of: name) ?? -1 }
            holder = slot("holder_id")
            holderKind = slot("holder_kind")
            type = slot("license_type")
            number = slot("license_no")
            issue = slot("issue_date")
            expiry = slot("expiry_date")
        }
    }

    enum Defect: Int, CaseIterable {
        case badType, expiryBeforeIssue, missingNumber, wrongHolderKind, formatLevel
    }

    let schema: Schema
    let slots: Slots
    let writer: RecordWriter
    var tally: FileTally
    private(set) var record: RecordBuffer
    private var random: Xoshiro256
    let dice: CorruptionDice
    private let asOf: Day
    /// Types the schema allows, as bytes; a type missing from the schema is never generated.
    private var typeBytes: [String: [UInt8]] = [:]
    /// An unknown type is a bad row only when the schema's type list is the whole domain; a
    /// hand-kept list (`membership: warn`) stores it with a warning, so it is no corruption.
    private let unknownTypeRejects: Bool
    private var serial = 0

    static let enterpriseKind = Array("企业".utf8)
    static let personKind = Array("个人".utf8)
    static let badType = Array("驾驶证".utf8)
    static let businessLicence = "营业执照"
    static let highTechCertificate = "高新技术企业证书"
    static let disabilityCard = "残疾人证"

    init(schema: Schema, options: FixtureOptions, directory: String) throws {
        self.schema = schema
        slots = Slots(schema)
        writer = try RecordWriter(schema: schema, format: options.format, encoding: options.encoding, directory: directory)
        tally = FileTally(schema: schema, fileName: writer.fileName)
        record = RecordBuffer(fieldCount: schema.fields.count)
        random = Xoshiro256(seed: options.seed, stream: 3)
        dice = CorruptionDice(seed: options.seed, kind: .licences, badRate: options.badRate)
        asOf = options.asOf
        if let field = slots.type >= 0 ? schema.fields[slots.type] : nil, case .enumeration(let values) = field.type {
            for value in values { typeBytes[value] = Array(value.utf8) }
        }
        unknownTypeRejects = slots.type >= 0 && schema.fields[slots.type].membership == .reject
    }

    func allows(_ type: String) -> Bool { typeBytes[type] != nil }

    // MARK: Enterprises

    /// The licences of one enterprise: 营业执照, trade licences, 高新技术企业证书.
    func enterprise(uscc: [UInt8], established: Day, trade: [String], highTechCert: Day?) throws {
        // 营业执照: the number is the credit code; reissued after changes for some.
        if allows(Self.businessLicence) {
            // 营业期限: 长期 for most, otherwise 20 or 30 years from establishment.
            var expiry: Day?
            if random.chance(0.35) {
                expiry = DayMath.offset(DayMath.adding(years: random.chance(0.5) ? 20 : 30, to: established), -1)
            }
            // Reissued (after a change of registration) for some, never after the term ends.
            let latest = min(asOf, expiry ?? asOf)
            let issue = random.chance(0.45) && established < latest
                ? DayMath.offset(established, random.below(DayMath.days(from: established, to: latest) + 1))
                : established
            try emit(holder: uscc, person: false, type: Self.businessLicence, issue: issue, expiry: expiry) { out in
                out.append(contentsOf: uscc)
            }
        }
        for type in trade where allows(type) && random.chance(0.75) {
            let years = Self.validity[type] ?? 5
            let (issue, expiry) = datesFor(years: years, earliest: established)
            try emit(holder: uscc, person: false, type: type, issue: issue, expiry: expiry) { out in
                appendNumber(type: type, uscc: uscc, issue: issue, to: &out)
            }
        }
        if let cert = highTechCert, allows(Self.highTechCertificate) {
            let expiry = DayMath.offset(DayMath.adding(years: 3, to: cert), -1)
            try emit(holder: uscc, person: false, type: Self.highTechCertificate, issue: cert, expiry: expiry) { out in
                appendNumber(type: Self.highTechCertificate, uscc: uscc, issue: cert, to: &out)
            }
        }
    }

    /// 残疾人证 of a resident: the number is the ID number, the category digit and the level.
    func disabilityCard(id: [UInt8], birth: Day, level: Int) throws {
        guard allows(Self.disabilityCard) else { return }
        let earliest = DayMath.offset(birth, min(365, DayMath.days(from: birth, to: asOf)))
        var (issue, expiry) = datesFor(years: 10, earliest: earliest)
        if random.chance(0.2) { expiry = nil }
        let category = [1, 2, 3, 4, 4, 4, 5, 6, 7][random.below(9)]
        try emit(holder: id, person: true, type: Self.disabilityCard, issue: issue, expiry: expiry) { out in
            out.append(contentsOf: id)
            Bytes.appendInt(category, to: &out)
            Bytes.appendInt(level, to: &out)
        }
    }

    static let validity: [String: Int] = [
        "食品经营许可证": 5, "道路运输经营许可证": 4, "药品经营许可证": 5, "安全生产许可证": 3, "排污许可证": 5,
        "建筑业企业资质证书": 5, "医疗机构执业许可证": 5,
    ]

    /// Issue and expiry of a licence valid `years`: 14% expire within 90 days and 12% have
    /// expired (these are about 40% of all licences, so ≈5% of the file expires within 90 days).
    private func datesFor(years: Int, earliest: Day) -> (Day, Day?) {
        let u = random.unit()
        let validDays = DayMath.days(from: asOf, to: DayMath.adding(years: years, to: asOf))
        var expiry: Day
        if u < 0.14 {
            expiry = DayMath.offset(asOf, random.below(90))
        } else if u < 0.26 {
            expiry = DayMath.offset(asOf, -1 - random.below(900))
        } else {
            expiry = DayMath.offset(asOf, 90 + random.below(max(1, validDays - 91)))
        }
        var issue = DayMath.offset(DayMath.adding(years: -years, to: expiry), 1)
        if issue < earliest {
            let span = max(0, DayMath.days(from: earliest, to: asOf))
            issue = DayMath.offset(earliest, random.below(span + 1))
            expiry = DayMath.offset(DayMath.adding(years: years, to: issue), -1)
        }
        if issue > asOf { issue = asOf }
        return (issue, expiry)
    }

    private func appendNumber(type: String, uscc: [UInt8], issue: Day, to out: inout [UInt8]) {
        serial += 1
        switch type {
        case "食品经营许可证":
            out.append(contentsOf: Self.prefixFood)
            Self.appendSerial(serial, width: 7, to: &out)
        case "道路运输经营许可证":
            out.append(contentsOf: Self.prefixTransport)
            Self.appendSerial(serial, width: 6, to: &out)
        case "药品经营许可证":
            out.append(contentsOf: Self.prefixDrugs)
            Self.appendSerial(serial, width: 7, to: &out)
        case "安全生产许可证":
            out.append(contentsOf: Self.prefixSafety)
            Bytes.appendInt(DayMath.year(issue), to: &out)
            out.append(contentsOf: Self.suffixSafety)
            Self.appendSerial(serial, width: 6, to: &out)
        case "排污许可证":
            out.append(contentsOf: uscc)
            out.append(contentsOf: Self.suffixPollution)
        case "建筑业企业资质证书":
            out.append(contentsOf: Self.prefixBuilding)
            Self.appendSerial(serial, width: 7, to: &out)
        case "医疗机构执业许可证":
            out.append(contentsOf: Self.prefixMedical)
            Self.appendSerial(serial, width: 8, to: &out)
        case "高新技术企业证书":
            out.append(contentsOf: Self.prefixHighTech)
            Bytes.appendInt(DayMath.year(issue), to: &out)
            out.append(contentsOf: Self.province)
            Self.appendSerial(serial, width: 6, to: &out)
        default:
            out.append(contentsOf: Self.prefixOther)
            Self.appendSerial(serial, width: 8, to: &out)
        }
    }

    /// Zero-padded to `width`, but never truncated.
    static func appendSerial(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits = 1
        var v = value
        while v >= 10 { v /= 10; digits += 1 }
        Bytes.appendPadded(value, width: max(width, digits), to: &out)
    }

    static let prefixFood = Array("JY14101030".utf8)
    static let prefixTransport = Array("豫交运管许可郑字410103".utf8)
    static let prefixDrugs = Array("豫AA3710".utf8)
    static let prefixSafety = Array("（豫）JZ安许证字〔".utf8)
    static let suffixSafety = Array("〕".utf8)
    static let suffixPollution = Array("001P".utf8)
    static let prefixBuilding = Array("D241".utf8)
    static let prefixMedical = Array("PDY".utf8)
    static let prefixHighTech = Array("GR".utf8)
    static let province = Array("41".utf8)
    static let prefixOther = Array("ZZ".utf8)

    // MARK: Writing and corruption

    private func emit(
        holder: [UInt8], person: Bool, type: String, issue: Day, expiry: Day?, number: (inout [UInt8]) -> Void
    ) throws {
        record.reset()
        record.set(slots.holder, holder)
        record.set(slots.holderKind, person ? Self.personKind : Self.enterpriseKind)
        record.set(slots.type, typeBytes[type] ?? Array(type.utf8))
        if slots.number >= 0 {
            record.begin(slots.number)
            number(&record.bytes)
            record.end(slots.number)
        }
        record.set(slots.issue, day: issue)
        if let expiry { record.set(slots.expiry, day: expiry) }

        _ = try emitCurrent(index: writer.count) { corrupt(&$0, person: person, issue: issue) }
    }

    private func corrupt(_ dice: inout SplitMix64, person: Bool, issue: Day) -> (FormatDamage, (Int, ReasonCode)?) {
        let fieldLevel = Defect.allCases.count - 1
        let start = DefectDraw.start(&dice, defects: Defect.allCases.count, format: writer.format)
        if start.recordLevel { return DefectDraw.recordDamage(writer.format) }
        for step in 0..<fieldLevel {
            let candidate = Defect(rawValue: (start.fieldDefect + step) % fieldLevel)!
            switch candidate {
            case .badType where slots.type >= 0 && unknownTypeRejects:
                record.set(slots.type, Self.badType)
                return (.none, (slots.type, .badEnum))
            case .expiryBeforeIssue where slots.expiry >= 0 && slots.issue >= 0:
                record.set(slots.expiry, day: DayMath.offset(issue, -1 - dice.below(365)))
                return (.none, (slots.expiry, .badDate))
            case .missingNumber where slots.number >= 0:
                record.clear(slots.number)
                record.explicitEmptyField = slots.number
                return (.none, (slots.number, .missingRequired))
            case .wrongHolderKind where slots.holderKind >= 0 && slots.holder >= 0:
                record.set(slots.holderKind, person ? Self.enterpriseKind : Self.personKind)
                return (.none, (slots.holderKind, .badEnum))
            default:
                continue
            }
        }
        return (.none, nil)
    }

    func finish() throws {
        try writer.finish()
    }
}
