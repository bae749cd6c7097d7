import Datasets

/// Writes `enterprises.*`: companies (USCC 91…) and individual businesses (92…) registered
/// mostly in 二七区, mostly small and micro, with their licences.
final class EnterpriseMaker: RecordEmitter {
    struct Slots {
        let uscc, name, division, established, industry, employees, revenue, assets, tax, highTech, certDate,
            aboveScale, firstAboveYear, dishonest, insured, layoffRate, unemploymentPaid, graduates, phone, consent: Int

        init(_ schema: Schema) {
            func slot(_ name: String) -> Int { schema.index(of: name) ?? -1 }
            uscc = slot("uscc")
            name = slot("name")
            division = slot("reg_division")
            established = slot("established")
            industry = slot("industry")
            employees = slot("employees")
            revenue = slot("revenue_wan")
            assets = slot("assets_wan")
            tax = slot("tax_paid_wan")
            highTech = slot("high_tech")
            certDate = slot("high_tech_cert_date")
            aboveScale = slot("above_scale")
            firstAboveYear = slot("first_above_scale_year")
            dishonest = slot("dishonest")
            insured = slot("insured_employees")
            layoffRate = slot("layoff_rate")
            unemploymentPaid = slot("unemployment_insurance_paid_wan")
            graduates = slot("new_graduates_hired")
            phone = slot("contact_phone")
            consent = slot("consent_push")
        }
    }

    enum Defect: Int, CaseIterable {
        case checkDigit, badEstablished, badIndustry, negativeEmployees, badDivision, missingCertDate, duplicate, formatLevel
    }

    let schema: Schema
    let slots: Slots
    let writer: RecordWriter
    var tally: FileTally
    private(set) var record: RecordBuffer
    /// The last clean record, the source of a duplicate_key corruption.
    private var lastClean: RecordBuffer
    private var hasClean = false
    private var random: Xoshiro256
    let dice: CorruptionDice
    private let asOf: Day
    private let seedOffset: Int
    private let townships: [[UInt8]]
    private let otherTownships: [[UInt8]]
    private let trades: [Vocabulary.Trade]
    private let tradeTable: WeightedTable
    private let industries: [[UInt8]]
    private let shopIndustries: [[UInt8]]
    private let licences: LicenceMaker
    private var unlisted: UnlistedStreets

    static let badIndustry = Array("Z99".utf8)
    static let badDivision = Array("410100001".utf8)  // 郑州市本级: not a county

    init(schemas: SchemaSet, options: FixtureOptions, directory: String, licences: LicenceMaker) throws {
        schema = schemas.enterprises
        slots = Slots(schema)
        writer = try RecordWriter(schema: schema, format: options.format, encoding: options.encoding, directory: directory)
        tally = FileTally(schema: schema, fileName: writer.fileName)
        record = RecordBuffer(fieldCount: schema.fields.count)
        lastClean = RecordBuffer(fieldCount: schema.fields.count)
        random = Xoshiro256(seed: options.seed, stream: 2)
        dice = CorruptionDice(seed: options.seed, kind: .enterprises, badRate: options.badRate)
        asOf = options.asOf
        seedOffset = Int(SplitMix64.mix(options.seed ^ 0xE1E1) >> 24)
        let catalogue = schemas.divisions
        unlisted = UnlistedStreets(catalogue: catalogue, rate: options.unlistedStreetRate, seed: options.seed, stream: 12)
        townships = catalogue.erqiTownships.keys.sorted().map { Array($0.utf8) }
        otherTownships = Vocabulary.otherZhengzhouTownships.filter { catalogue.validate($0) == nil }.map { Array($0.utf8) }
        trades = Vocabulary.trades.filter { IndustryCode.normalize($0.industry) != nil }
        tradeTable = WeightedTable(trades.map(\.weight))
        industries = trades.map { Array($0.industry.utf8) }
        shopIndustries = Vocabulary.shops.map { Array($0.industry.utf8) }
        self.licences = licences
        guard !townships.isEmpty else { throw FixtureError("行政区划代码表中没有二七区的乡镇街道（erqi），无法生成数据。") }
    }

    func generate(count: Int) throws {
        let start = Day(year: 1990, month: 1, day: 1)!
        let span = max(1, DayMath.days(from: start, to: asOf))
        let shopStart = Day(year: 2000, month: 1, day: 1)!
        let shopSpan = max(1, DayMath.days(from: shopStart, to: asOf))
        var uscc = [UInt8](repeating: 0, count: 18)
        var tradeLicences: [String] = []

        for index in 0..<count {
            record.reset()
            let shop = random.chance(0.2)

            // 注册地
            let division: [UInt8] = otherTownships.isEmpty || random.chance(0.93)
                ? random.pick(townships) : random.pick(otherTownships)
            // 成立日期: more recent ones are more common.
            var u = random.unit()
            if random.chance(0.5) { u = 1 - (1 - u) * (1 - u) }
            let established = shop
                ? DayMath.offset(shopStart, Int(Double(shopSpan) * u))
                : DayMath.offset(start, Int(Double(span) * u))

            // 统一社会信用代码
            makeUSCC(&uscc, index: index, individual: shop, county: division[0..<6], established: established)
            record.set(slots.uscc, uscc)

            // 名称, 行业, size
            var employees: Int
            var revenueCents: Int
            var above = false
            var assetsFactor = 1.0
            var highTechChance = 0.0
            if shop {
                let s = random.below(Vocabulary.shops.count)
                let kind = Vocabulary.shops[s]
                if slots.name >= 0 {
                    record.begin(slots.name)
                    record.bytes.append(contentsOf: Vocabulary.erqiDistrict)
                    record.bytes.append(contentsOf: surname())
                    if kind.byFullName {
                        record.bytes.append(contentsOf: random.pick(Vocabulary.givenNames[random.below(4)]))
                    }
                    record.bytes.append(contentsOf: kind.suffix)
                    record.end(slots.name)
                }
                record.set(slots.industry, shopIndustries[s])
                employees = random.int(1...8)
                revenueCents = random.cents(kind.revenue)
                tradeLicences = kind.licences
            } else {
                let t = tradeTable.draw(&random)
                let trade = trades[t]
                above = random.chance(0.19)
                if above {
                    let threshold = Self.aboveScaleThreshold(trade.industry)
                    revenueCents = threshold * 100 + Int(Double(threshold * 400) * random.unit() * random.unit())
                    let perEmployee = random.int(trade.revenuePerEmployee)
                    employees = max(20, min(3000, revenueCents / 100 / perEmployee))
                } else {
                    let band = random.weighted([60, 34, 6])
                    let range = band == 0 ? 1...9 : band == 1 ? 10...99 : 100...299
                    let v = random.unit()
                    employees = range.lowerBound + Int(Double(range.count - 1) * v * v)
                    let perEmployee = random.int(trade.revenuePerEmployee)
                    revenueCents = Int(Double(employees * perEmployee * 100) * (0.3 + 0.5 * random.unit()))
                    let cap = Self.aboveScaleThreshold(trade.industry) * 95
                    if revenueCents > cap { revenueCents = cap - random.below(cap / 4) }
                }
                if slots.name >= 0 {
                    record.begin(slots.name)
                    record.bytes.append(contentsOf: employees >= 100 && random.chance(0.5) ? Vocabulary.henan : Vocabulary.zhengzhou)
                    let first = random.below(Vocabulary.brandCharacters.count)
                    var second = random.below(Vocabulary.brandCharacters.count - 1)
                    if second >= first { second += 1 }
                    record.bytes.append(contentsOf: Vocabulary.brandCharacters[first])
                    record.bytes.append(contentsOf: Vocabulary.brandCharacters[second])
                    record.bytes.append(contentsOf: random.pick(trade.suffixes))
                    record.end(slots.name)
                }
                record.set(slots.industry, industries[t])
                if trade.industry.hasPrefix("K") { assetsFactor = 2.5 }
                let section = trade.industry.first
                highTechChance = section == "C" || section == "I" || section == "M" ? 0.22 : 0.04
                tradeLicences = trade.licences
            }
            record.set(slots.division, unlisted.apply(to: division))
            record.set(slots.established, day: established)
            if !random.chance(0.03) { record.set(slots.employees, int: employees) }
            if !random.chance(0.03) { record.set(slots.revenue, cents: revenueCents, trim: false) }
            let assets = Int(Double(revenueCents) * (0.4 + 2.0 * random.unit()) * assetsFactor)
            record.set(slots.assets, cents: assets, trim: false)
            record.set(slots.tax, cents: Int(Double(revenueCents) * (0.005 + 0.05 * random.unit())), trim: false)

            // 高新技术企业: certified 1–4 years ago, at least a year after establishment.
            var cert: Day?
            if random.chance(highTechChance) {
                let candidate = DayMath.offset(asOf, -random.int(365...1460))
                if DayMath.days(from: established, to: candidate) >= 365 { cert = candidate }
            }
            record.set(slots.highTech, bool: cert != nil)
            if let cert { record.set(slots.certDate, day: cert) }

            // 规模以上
            record.set(slots.aboveScale, bool: above)
            if above {
                let from = max(1990, DayMath.year(established) + 1)
                let to = DayMath.year(asOf)
                record.set(slots.firstAboveYear, int: from <= to ? random.int(from...to) : to)
            }
            record.set(slots.dishonest, bool: random.chance(0.02))
            let insured = employees >= 3 ? Int(Double(employees) * (0.55 + 0.45 * random.unit())) : random.int(0...employees)
            record.set(slots.insured, int: insured)
            if !random.chance(0.04) {
                let layoff = random.chance(0.6) ? 0 : random.int(30...1000)
                record.set(slots.layoffRate, cents: layoff, trim: true)
            }
            record.set(slots.unemploymentPaid, cents: Int(Double(insured) * 3.78 * (0.8 + 0.7 * random.unit())), trim: false)
            let graduates: Int
            if employees < 10 {
                graduates = 0
            } else if employees < 100 {
                graduates = random.chance(0.7) ? 0 : random.int(1...3)
            } else if employees < 300 {
                graduates = random.chance(0.4) ? 0 : random.int(1...15)
            } else {
                graduates = random.int(5...30)
            }
            record.set(slots.graduates, int: graduates)
            if !random.chance(0.03), slots.phone >= 0 {
                record.begin(slots.phone)
                if random.chance(0.7) {
                    random.appendMobile(to: &record.bytes)
                } else {
                    random.appendLandline(to: &record.bytes)
                }
                record.end(slots.phone)
            }
            record.set(slots.consent, bool: random.chance(0.8))

            try write(index: index)
            try licences.enterprise(uscc: uscc, established: established, trade: tradeLicences, highTechCert: cert)
        }
    }

    /// 规模以上 thresholds (营业收入, 万元) by industry.
    static func aboveScaleThreshold(_ industry: String) -> Int {
        switch industry.first {
        case "B", "C", "D", "E": 2000
        case "F": industry == "F52" ? 500 : 2000
        case "H": 200
        default: 1000
        }
    }

    private func surname() -> [UInt8] {
        random.chance(0.012) ? random.pick(Vocabulary.rareSurnames) : random.pick(Vocabulary.surnames)
    }

    /// 9 + 1/2 + county + organisation part + check. The organisation part comes from a
    /// bijective scramble of the index, so codes never repeat: `MA` + 7 characters since 2016,
    /// before that an 8-digit organisation code with its GB 11714 check.
    private func makeUSCC(_ code: inout [UInt8], index: Int, individual: Bool, county: ArraySlice<UInt8>, established: Day) {
        code[0] = UInt8(ascii: "9")
        code[1] = individual ? UInt8(ascii: "2") : UInt8(ascii: "1")
        for (i, b) in county.enumerated() { code[2 + i] = b }
        if DayMath.year(established) >= 2016 {
            let modulus = 27_512_614_111 // 31^7
            var x = (index % modulus * 1_234_567_891 + seedOffset) % modulus
            code[8] = UInt8(ascii: "M")
            code[9] = UInt8(ascii: "A")
            for i in stride(from: 16, through: 10, by: -1) {
                code[i] = Codes.usccAlphabet[x % 31]
                x /= 31
            }
        } else {
            var x = (index % 100_000_000 * 1_234_567_891 + seedOffset) % 100_000_000
            for i in stride(from: 15, through: 8, by: -1) {
                code[i] = UInt8(x % 10) + 0x30
                x /= 10
            }
            code[16] = Codes.organisationCheck(code[8..<16])
        }
        code[17] = Codes.usccCheck(code)
    }

    // MARK: Corruption and writing

    private func write(index: Int) throws {
        if try emitCurrent(index: index, corrupt: corrupt), dice.badRate > 0 {
            lastClean.copy(from: record)
            hasClean = true
        }
    }

    private func corrupt(_ dice: inout SplitMix64) -> (FormatDamage, (Int, ReasonCode)?) {
        let fieldLevel = Defect.allCases.count - 1
        let start = DefectDraw.start(&dice, defects: Defect.allCases.count, format: writer.format)
        if start.recordLevel { return DefectDraw.recordDamage(writer.format) }
        for step in 0..<fieldLevel {
            let candidate = Defect(rawValue: (start.fieldDefect + step) % fieldLevel)!
            switch candidate {
            case .checkDigit where slots.uscc >= 0 && !record.isEmpty(slots.uscc):
                let last = record.ends[slots.uscc] - 1
                let current = Codes.usccValues[Int(record.bytes[last])]
                record.bytes[last] = Codes.usccAlphabet[(current + 1 + dice.below(30)) % 31]
                return (.none, (slots.uscc, .badCheckDigit))
            case .badEstablished where slots.established >= 0:
                let year = DayMath.year(Day.parse(String(decoding: record.value(slots.established), as: UTF8.self)) ?? asOf)
                record.set(slots.established, text: Self.impossibleDate(year: year, pick: dice.below(6)))
                return (.none, (slots.established, .badDate))
            case .badIndustry where slots.industry >= 0:
                record.set(slots.industry, Self.badIndustry)
                return (.none, (slots.industry, .badEnum))
            case .negativeEmployees where slots.employees >= 0:
                record.set(slots.employees, int: -3)
                return (.none, (slots.employees, .badNumber))
            case .badDivision where slots.division >= 0:
                record.set(slots.division, Self.badDivision)
                return (.none, (slots.division, .badDivision))
            case .missingCertDate where slots.highTech >= 0 && slots.certDate >= 0:
                record.set(slots.highTech, bool: true)
                record.clear(slots.certDate)
                record.explicitEmptyField = slots.certDate
                return (.none, (slots.certDate, .missingRequired))
            case .duplicate where hasClean && slots.uscc >= 0:
                record.copy(from: lastClean)
                if slots.name >= 0 {
                    let name = Array(record.value(slots.name))
                    record.set(slots.name, name + Vocabulary.branchSuffix)
                } else {
                    continue
                }
                return (.none, (slots.uscc, .duplicateKey))
            default:
                continue
            }
        }
        return (.none, nil)
    }

    /// A date that does not exist in `year`: 02-30, 02-31, 04-31, 06-31, 09-31 or 11-31.
    static func impossibleDate(year: Int, pick: Int) -> String {
        let monthDay = ["02-30", "02-31", "04-31", "06-31", "09-31", "11-31"][pick % 6]
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + monthDay
    }

    func finish() throws {
        try writer.finish()
    }
}
