import Datasets

/// Writes `residents.*`: households of 1–6 people with exactly one 户主, mostly with 户籍 in
/// 二七区, ages 0–105, and a 残疾人证 for every disabled resident.
final class ResidentMaker: RecordEmitter {
    struct Slots {
        let id, name, gender, birth, division, hukouType, household, relation, phone, alive, dibao, tekun,
            disability, school, insurance, income, farmland, consent: Int

        init(_ schema: Schema) {
            func slot(_ name: String) -> Int { schema.index(of: name) ?? -1 }
            id = slot("id_number")
            name = slot("name")
            gender = slot("gender")
            birth = slot("birth_date")
            division = slot("hukou_division")
            hukouType = slot("hukou_type")
            household = slot("household_id")
            relation = slot("relation")
            phone = slot("phone")
            alive = slot("alive")
            dibao = slot("dibao")
            tekun = slot("tekun")
            disability = slot("disability_level")
            school = slot("school_stage")
            insurance = slot("medical_insurance")
            income = slot("annual_income_yuan")
            farmland = slot("farmland_mu")
            consent = slot("consent_push")
        }
    }

    enum Defect: Int, CaseIterable {
        case checkDigit, gender, birthMismatch, badDate, division, relation, disability, income, name, phone, duplicate
        case formatLevel
    }

    enum Relation: Int {
        case head, spouse, child, parent, grandchild, other
    }

    struct Member {
        var relation: Relation
        var age: Int
        var male: Bool
        var surname: [UInt8]
    }

    enum Household: Int, CaseIterable {
        case singleOld, singleYoung, couple, nuclear, singleParent, threeGenerationsUp, threeGenerationsDown, siblings
    }

    static let householdWeights = WeightedTable([9, 6, 16, 27, 5, 14, 12, 3])
    static let relations = ["户主", "配偶", "子女", "父母", "孙子女", "其他"].map { Array($0.utf8) }
    static let male = Array("男".utf8)
    static let female = Array("女".utf8)
    static let agricultural = Array("农业".utf8)
    static let nonAgricultural = Array("非农业".utf8)
    static let stages = ["无", "学前", "小学", "初中", "高中", "中职", "高职", "本科", "研究生"].map { Array($0.utf8) }
    static let insurances = ["城乡居民", "职工", "无"].map { Array($0.utf8) }
    static let badRelation = Array("朋友".utf8)
    static let badDivision = Array("410100001".utf8)  // 郑州市本级: not a county
    static let badPhone = Array("12345".utf8)

    let schema: Schema
    let slots: Slots
    let writer: RecordWriter
    var tally: FileTally
    private(set) var record: RecordBuffer
    private var lastClean: RecordBuffer
    private var hasClean = false
    private var random: Xoshiro256
    let dice: CorruptionDice
    private let asOf: Day
    private let seedKey: UInt64
    private let licences: LicenceMaker
    private var unlisted: UnlistedStreets
    let night: NightChanges

    /// 户籍 townships: 二七区's (sorted), other 郑州 districts', other provinces'.
    private let erqiTownships: [[UInt8]]
    private let zhengzhouTownships: [[UInt8]]
    private let provinceTownships: [[UInt8]]
    /// Address codes of ID numbers; index 0 is 410103.
    private let addressCodes: [[UInt8]]
    private let birthplaceIndices: [Int]
    /// Per address code, birth day and gender: how many sequence numbers were handed out.
    private var sequenceCounts: [UInt16]
    private let firstBirthDay: Day
    private let dayCount: Int
    /// anniversaries[a]: the as-of day `a` years earlier.
    private let anniversaries: [Day]
    private var householdNumber = 0

    init(schemas: SchemaSet, options: FixtureOptions, directory: String, licences: LicenceMaker) throws {
        schema = schemas.residents
        slots = Slots(schema)
        writer = try RecordWriter(schema: schema, format: options.format, encoding: options.encoding, directory: directory)
        tally = FileTally(schema: schema, fileName: writer.fileName)
        record = RecordBuffer(fieldCount: schema.fields.count)
        lastClean = RecordBuffer(fieldCount: schema.fields.count)
        random = Xoshiro256(seed: options.seed, stream: 1)
        dice = CorruptionDice(seed: options.seed, kind: .residents, badRate: options.badRate)
        asOf = options.asOf
        seedKey = SplitMix64.mix(options.seed ^ 0x1D1D)
        self.licences = licences
        night = NightChanges(seed: options.seed, night: options.night, baseCount: options.residents)

        let catalogue = schemas.divisions
        unlisted = UnlistedStreets(catalogue: catalogue, rate: options.unlistedStreetRate, seed: options.seed, stream: 11)
        erqiTownships = catalogue.erqiTownships.keys.sorted().map { Array($0.utf8) }
        zhengzhouTownships = Vocabulary.otherZhengzhouTownships.filter { catalogue.validate($0) == nil }.map { Array($0.utf8) }
        provinceTownships = Vocabulary.otherProvinceTownships.filter { catalogue.validate($0) == nil }.map { Array($0.utf8) }
        guard !erqiTownships.isEmpty else { throw FixtureError("行政区划代码表中没有二七区的乡镇街道（erqi），无法生成数据。") }

        var codes = [DivisionCatalog.districtCode]
        for code in Vocabulary.otherBirthplaces + (Vocabulary.otherZhengzhouTownships + Vocabulary.otherProvinceTownships).map({ String($0.prefix(6)) })
        where !codes.contains(code) && catalogue.provinceCodes.contains(Int(code.prefix(2)) ?? -1) {
            codes.append(code)
        }
        addressCodes = codes.map { Array($0.utf8) }
        birthplaceIndices = Vocabulary.otherBirthplaces.compactMap { codes.firstIndex(of: $0) }

        anniversaries = (0...108).map { DayMath.adding(years: -$0, to: options.asOf) }
        firstBirthDay = DayMath.offset(anniversaries[107], 1)
        dayCount = DayMath.days(from: firstBirthDay, to: options.asOf) + 400
        sequenceCounts = Array(repeating: 0, count: addressCodes.count * dayCount * 2)
    }

    // MARK: Households

    func generate(count: Int) throws {
        var written = 0
        var members: [Member] = []
        var idBytes = [UInt8](repeating: 0, count: 18)
        var householdID: [UInt8] = []
        var headPhone: [UInt8] = []
        while written < count {
            let kind = Household(rawValue: Self.householdWeights.draw(&random))!
            skeleton(kind, into: &members)
            if members.count > count - written { members.removeLast(members.count - (count - written)) }

            // 户籍地, 户口性质, 户号, 低保, 特困: shared by the household.
            let x = random.unit()
            var division: [UInt8]
            if x < 0.9 || (zhengzhouTownships.isEmpty && provinceTownships.isEmpty) {
                division = random.pick(erqiTownships)
            } else if (x < 0.96 && !zhengzhouTownships.isEmpty) || provinceTownships.isEmpty {
                division = random.pick(zhengzhouTownships)
            } else {
                division = random.pick(provinceTownships)
            }
            let county = addressIndex(division)
            let rural = division[6] != UInt8(ascii: "0")
            // After `rural`, so the household's other draws are those of the listed street.
            division = unlisted.apply(to: division)
            let agricultural = random.chance(rural ? 0.75 : 0.13)
            let farmCents = agricultural ? 100 + Int(1400.0 * random.unit() * random.unit()) : 0
            householdNumber += random.int(1...9)
            householdID.removeAll(keepingCapacity: true)
            householdID.append(UInt8(ascii: "H"))
            householdID.append(contentsOf: division[0..<6])
            Bytes.appendPadded(householdNumber % 1_000_000_000, width: 9, to: &householdID)
            let tekunHousehold = kind == .singleOld && random.chance(0.3)
            let dibao = !tekunHousehold && random.chance(rural ? 0.05 : 0.028)
            headPhone.removeAll(keepingCapacity: true)

            for member in members {
                record.reset()
                let age = member.age
                var birth = birthDay(age: age)
                // Most were born where their 户籍 is; the others elsewhere in 河南 or beyond.
                let address = birthplaceIndices.isEmpty || random.chance(0.75) ? county : random.pick(birthplaceIndices)
                makeID(&idBytes, address: address, birth: &birth, male: member.male)
                record.set(slots.id, idBytes)

                if slots.name >= 0 {
                    record.begin(slots.name)
                    record.bytes.append(contentsOf: member.surname)
                    let table = Vocabulary.givenNames[Vocabulary.givenNameTable(birthYear: DayMath.year(birth), male: member.male)]
                    record.bytes.append(contentsOf: random.pick(table))
                    record.end(slots.name)
                }
                record.set(slots.gender, member.male ? Self.male : Self.female)
                record.set(slots.birth, day: birth)
                record.set(slots.division, division)
                if !random.chance(0.03) { record.set(slots.hukouType, agricultural ? Self.agricultural : Self.nonAgricultural) }
                record.set(slots.household, householdID)
                record.set(slots.relation, Self.relations[member.relation.rawValue])

                // 联系电话: children under 16 carry the head's number.
                if slots.phone >= 0 {
                    record.begin(slots.phone)
                    if age < 16 {
                        record.bytes.append(contentsOf: headPhone)
                    } else if age >= 75 ? random.chance(0.35) : random.chance(0.05) {
                        random.appendLandline(to: &record.bytes)
                    } else {
                        random.appendMobile(to: &record.bytes)
                    }
                    record.end(slots.phone)
                    if member.relation == .head { headPhone.append(contentsOf: record.value(slots.phone)) }
                    if random.chance(0.03) { record.clear(slots.phone) }
                }

                let deathRate = age < 60 ? 0.003 : age < 80 ? 0.015 : 0.05
                let alive = !random.chance(deathRate)
                record.set(slots.alive, bool: alive)
                if !random.chance(0.03) { record.set(slots.dibao, bool: dibao) }
                if !random.chance(0.03) { record.set(slots.tekun, bool: tekunHousehold) }
                let disabilityRate = age < 18 ? 0.015 : age < 60 ? 0.04 : 0.09
                var level = 0
                if random.chance(disabilityRate) {
                    level = 1 + random.weighted([15, 25, 30, 30])
                    record.set(slots.disability, int: level)
                }

                // 在读学段
                let stage: Int
                switch age {
                case _ where !alive: stage = 0
                case 0..<3: stage = 0
                case 3...5: stage = 1
                case 6...11: stage = 2
                case 12...14: stage = 3
                case 15...17: stage = random.chance(0.25) ? 5 : 4
                case 18...22:
                    let u = random.unit()
                    stage = u < 0.32 ? 7 : u < 0.5 ? 6 : 0
                case 23...26: stage = random.chance(0.08) ? 8 : 0
                default: stage = 0
                }
                record.set(slots.school, Self.stages[stage])

                // 个人年收入（元）, in cents.
                var income: Int
                if !alive || age < 16 || stage != 0 {
                    income = 0
                } else if tekunHousehold {
                    income = random.chance(0.5) ? 0 : random.int(6...24) * 10_000
                } else if dibao {
                    income = random.chance(0.4) ? 0 : random.int(20...120) * 10_000
                } else if age < 23 {
                    income = random.int(180...450) * 10_000
                } else if age <= 60 {
                    if random.chance(0.06) {
                        income = 0
                    } else if agricultural {
                        income = random.int(120...480) * 10_000
                    } else {
                        let band = random.weighted([30, 35, 25, 10])
                        let range = [200...400, 400...700, 700...1200, 1200...2000][band]
                        income = random.int(range) * 10_000
                    }
                } else {
                    income = agricultural ? random.int(240...960) * 1_000 : random.int(240...660) * 10_000
                }
                if income > 0, income < 20_000_000, random.chance(0.2) { income += [50, 25, 80, 35][random.below(4)] }
                if !random.chance(0.04) { record.set(slots.income, cents: income, trim: true) }

                // 医保类型
                var insurance = 0
                if !agricultural, (23...60).contains(age) ? income >= 3_600_000 && random.chance(0.75) : age > 60 && income >= 2_400_000 {
                    insurance = 1
                }
                if age >= 18, random.chance(0.02) { insurance = 2 }
                if !random.chance(0.025) { record.set(slots.insurance, Self.insurances[insurance]) }
                record.set(slots.farmland, cents: farmCents, trim: true)
                if !random.chance(0.03) { record.set(slots.consent, bool: random.chance(0.85)) }

                try write(index: written)
                written += 1
                if level > 0 { try licences.disabilityCard(id: idBytes, birth: birth, level: level) }
            }
        }
    }

    private func surname() -> [UInt8] {
        random.chance(0.012) ? random.pick(Vocabulary.rareSurnames) : random.pick(Vocabulary.surnames)
    }

    /// The members of one household: relation, age, gender, surname; the head first.
    private func skeleton(_ kind: Household, into members: inout [Member]) {
        members.removeAll(keepingCapacity: true)
        let family = surname()
        func add(_ relation: Relation, _ age: Int, _ male: Bool, _ surname: [UInt8]) {
            members.append(Member(relation: relation, age: max(0, min(105, age)), male: male, surname: surname))
        }
        func kids(youngestParent: Int, choices: [Int], maxAge: Int, surname: [UInt8]) {
            let n = choices[random.below(choices.count)]
            // Born when the younger parent was 22–34 (not yet born: no child).
            for _ in 0..<n {
                let age = youngestParent - random.int(22...34)
                if age >= 0 { add(.child, min(maxAge, age), random.chance(0.5), surname) }
            }
        }
        switch kind {
        case .singleOld:
            let age = random.chance(0.08) ? random.int(90...103) : random.int(62...89)
            add(.head, age, random.chance(0.45), family)
        case .singleYoung:
            add(.head, random.int(22...45), random.chance(0.55), family)
        case .siblings:
            let a = random.int(30...72)
            add(.head, a, random.chance(0.72), family)
            add(.other, max(20, a + random.int(-8...8)), random.chance(0.5), family)
        case .couple:
            let a = random.int(26...88)
            let male = random.chance(0.78)
            add(.head, a, male, family)
            add(.spouse, max(20, a + random.int(-5...4)), !male, surname())
        case .nuclear, .singleParent:
            let a = random.int(27...55)
            let male = random.chance(kind == .nuclear ? 0.75 : 0.35)
            add(.head, a, male, family)
            var youngest = a
            var fatherSurname = family
            if kind == .nuclear {
                let spouseAge = max(21, a + random.int(-4...3))
                let spouseSurname = surname()
                add(.spouse, spouseAge, !male, spouseSurname)
                youngest = min(a, spouseAge)
                if !male { fatherSurname = spouseSurname }
            }
            kids(youngestParent: youngest, choices: [1, 1, 1, 2, 2, 3], maxAge: 30, surname: fatherSurname)
        case .threeGenerationsUp:
            let a = random.int(32...62)
            let male = random.chance(0.7)
            add(.head, a, male, family)
            var youngest = a
            var fatherSurname = family
            if random.chance(0.85) {
                let spouseAge = max(21, a + random.int(-4...3))
                let spouseSurname = surname()
                add(.spouse, spouseAge, !male, spouseSurname)
                youngest = min(a, spouseAge)
                if !male { fatherSurname = spouseSurname }
            }
            kids(youngestParent: youngest, choices: [0, 1, 1, 2], maxAge: 30, surname: fatherSurname)
            let fatherAge = min(104, a + random.int(23...33))
            let parents = [1, 2, 2][random.below(3)]
            if parents == 2 {
                add(.parent, fatherAge, true, family)
                add(.parent, max(a + 20, fatherAge + random.int(-5...2)), false, surname())
            } else {
                let male = random.chance(0.4)
                add(.parent, fatherAge, male, male ? family : surname())
            }
        case .threeGenerationsDown:
            let a = random.int(52...80)
            let male = random.chance(0.7)
            add(.head, a, male, family)
            var fatherSurname = family
            if random.chance(0.85) {
                let spouseSurname = surname()
                add(.spouse, max(40, a + random.int(-4...3)), !male, spouseSurname)
                if !male { fatherSurname = spouseSurname }
            }
            let childAge = max(22, a - random.int(23...32))
            let son = random.int(0...2) < 2
            add(.child, childAge, son, fatherSurname)
            var grandSurname = fatherSurname
            if random.chance(0.75) {
                let inLaw = surname()
                add(.other, max(20, childAge + random.int(-3...3)), !son, inLaw)
                if !son { grandSurname = inLaw }
            }
            let n = [1, 1, 2][random.below(3)]
            for _ in 0..<n {
                let age = childAge - random.int(21...33)
                if age >= 0 { add(.grandchild, min(17, age), random.chance(0.5), grandSurname) }
            }
        }
        if members.count > 6 { members.removeLast(members.count - 6) }
    }

    /// A birth day giving `age` full years on the as-of day; infants are at least 20 days old.
    private func birthDay(age: Int) -> Day {
        let low = DayMath.offset(anniversaries[age + 1], 1)
        var high = anniversaries[age]
        if age == 0 { high = max(low, DayMath.offset(asOf, -20)) }
        return DayMath.offset(low, random.below(DayMath.days(from: low, to: high) + 1))
    }

    private func addressIndex(_ division: [UInt8]) -> Int {
        let prefix = Array(division[0..<6])
        return addressCodes.firstIndex(of: prefix) ?? 0
    }

    /// A unique ID number: sequence numbers are handed out per address code, birth day and
    /// gender (odd for men), from a base that varies by day as police-station codes do.
    private func makeID(_ id: inout [UInt8], address: Int, birth: inout Day, male: Bool) {
        while true {
            let day = DayMath.days(from: firstBirthDay, to: birth)
            let slot = (address * dayCount + day) * 2 + (male ? 1 : 0)
            let base = 2 + 2 * Int(SplitMix64.mix(seedKey ^ UInt64(address << 20 | day)) % 100)
            let k = Int(sequenceCounts[slot])
            let sequence = base + 2 * k + (male ? 1 : 0)
            if sequence <= 999 {
                sequenceCounts[slot] += 1
                let code = addressCodes[address]
                for i in 0..<6 { id[i] = code[i] }
                let (y, m, d) = birth.components
                Self.put(y, width: 4, into: &id, at: 6)
                Self.put(m, width: 2, into: &id, at: 10)
                Self.put(d, width: 2, into: &id, at: 12)
                Self.put(sequence, width: 3, into: &id, at: 14)
                id[17] = Codes.idCheck(id)
                return
            }
            birth = DayMath.offset(birth, 1)
        }
    }

    @inline(__always)
    static func put(_ value: Int, width: Int, into bytes: inout [UInt8], at offset: Int) {
        var v = value
        for i in stride(from: offset + width - 1, through: offset, by: -1) {
            bytes[i] = UInt8(v % 10) + 0x30
            v /= 10
        }
    }

    // MARK: Corruption and writing

    private func write(index: Int) throws {
        if night.night > 0 {
            // After every draw of the record, so the other rows stay those of night 0.
            if night.isGone(index) { return }
            if slots.income >= 0, let cents = night.changedIncome(index) { record.set(slots.income, cents: cents, trim: true) }
        }
        if try emitCurrent(index: index, corrupt: corrupt), dice.badRate > 0 {
            lastClean.copy(from: record)
            hasClean = true
        }
    }

    private func corrupt(_ dice: inout SplitMix64) -> (FormatDamage, (Int, ReasonCode)?) {
        let fieldLevel = Defect.allCases.count - 1
        // Residents draw once more: half of their record-level defects are a bad byte in the name.
        var encodingInstead = false
        let start = DefectDraw.start(&dice, defects: Defect.allCases.count, format: writer.format) { dice in
            encodingInstead = dice.below(2) == 1 && slots.name >= 0 && !record.isEmpty(slots.name)
        }
        if start.recordLevel {
            return encodingInstead
                ? (.invalidByte(field: slots.name), (slots.name, .badEncoding)) : DefectDraw.recordDamage(writer.format)
        }
        for step in 0..<fieldLevel {
            let candidate = Defect(rawValue: (start.fieldDefect + step) % fieldLevel)!
            switch candidate {
            case .checkDigit where slots.id >= 0 && !record.isEmpty(slots.id):
                let last = record.ends[slots.id] - 1
                let current = Codes.idCheckCharacters.firstIndex(of: record.bytes[last]) ?? 0
                record.bytes[last] = Codes.idCheckCharacters[(current + 1 + dice.below(10)) % 11]
                return (.none, (slots.id, .badCheckDigit))
            case .gender where slots.gender >= 0 && slots.id >= 0:
                let isMale = record.value(slots.gender).elementsEqual(Self.male)
                record.set(slots.gender, isMale ? Self.female : Self.male)
                return (.none, (slots.gender, .genderMismatch))
            case .birthMismatch where slots.birth >= 0 && slots.id >= 0:
                guard let birth = Day.parse(record.string(slots.birth)) else { continue }
                record.set(slots.birth, day: DayMath.offset(birth, -1 - dice.below(3000)))
                return (.none, (slots.birth, .birthMismatch))
            case .badDate where slots.birth >= 0:
                let year = Day.parse(record.string(slots.birth)).map(DayMath.year) ?? 1980
                record.set(slots.birth, text: EnterpriseMaker.impossibleDate(year: year, pick: dice.below(6)))
                return (.none, (slots.birth, .badDate))
            case .division where slots.division >= 0:
                record.set(slots.division, Self.badDivision)
                return (.none, (slots.division, .badDivision))
            case .relation where slots.relation >= 0:
                record.set(slots.relation, Self.badRelation)
                return (.none, (slots.relation, .badEnum))
            case .disability where slots.disability >= 0:
                record.set(slots.disability, int: 9)
                return (.none, (slots.disability, .badNumber))
            case .income where slots.income >= 0:
                record.set(slots.income, int: -5)
                return (.none, (slots.income, .badNumber))
            case .name where slots.name >= 0:
                record.clear(slots.name)
                record.explicitEmptyField = slots.name
                return (.none, (slots.name, .missingRequired))
            case .phone where slots.phone >= 0:
                record.set(slots.phone, Self.badPhone)
                return (.none, (slots.phone, .badFormat))
            case .duplicate where hasClean && slots.id >= 0 && slots.name >= 0:
                record.copy(from: lastClean)
                let old = Array(record.value(slots.name))
                var name: [UInt8]
                // Only the record's own dice: the data stream must not depend on corruptions.
                repeat {
                    name = dice.pick(Vocabulary.surnames) + dice.pick(Vocabulary.givenNames[2 + dice.below(2)])
                } while name == old
                record.set(slots.name, name)
                return (.none, (slots.id, .duplicateKey))
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
