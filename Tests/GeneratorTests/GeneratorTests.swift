import Datasets
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Generator
import MianshenTesting
import XCTest

/// Small generated sets, read back independently: determinism, validity of every clean row,
/// households, the manifest against the corrupted rows, and the three formats and encodings.
final class GeneratorTests: XCTestCase {
    static let residents = 2_000
    static let enterprises = 300

    var dir: TemporaryDirectory!
    var schemas: SchemaSet!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        schemas = try SchemaLoader.load(directory: RepositoryPaths.schemas)
    }

    @discardableResult
    func generate(
        _ name: String, seed: UInt64 = 7, badRate: Double = 0.05, format: FixtureFormat = .csv,
        encoding: FixtureEncoding = .utf8, residents: Int = residents, enterprises: Int = enterprises
    ) throws -> FixtureReport {
        let options = FixtureOptions(
            residents: residents, enterprises: enterprises, outputDirectory: dir.file(name), seed: seed,
            badRate: badRate, format: format, encoding: encoding
        )
        return try FixtureGenerator(schemas: schemas, options: options).run()
    }

    func fileNames(_ format: FixtureFormat) -> [String] {
        DatasetKind.allCases.map { $0.rawValue + "." + format.fileExtension } + [FixtureGenerator.manifestName]
    }

    func records(_ name: String, _ kind: DatasetKind, _ format: FixtureFormat = .csv) throws -> [(line: Int, record: ParsedRecord)] {
        let bytes = try Files.bytes(dir.file(name) + "/" + kind.rawValue + "." + format.fileExtension)
        return RecordParser.records(bytes, format: format, schema: schemas[kind])
    }

    // MARK: Determinism

    func testSameSeedGivesByteIdenticalFilesAndAnotherSeedDiffers() throws {
        try generate("a", seed: 11)
        try generate("b", seed: 11)
        try generate("c", seed: 12)
        for name in fileNames(.csv) {
            let a = try Files.bytes(dir.file("a/" + name))
            XCTAssertEqual(a, try Files.bytes(dir.file("b/" + name)), "\(name) differs between two runs with one seed")
            XCTAssertNotEqual(a, try Files.bytes(dir.file("c/" + name)), "\(name) is the same for seeds 11 and 12")
        }
    }

    func testReportCountsMatchTheFiles() throws {
        let report = try generate("r")
        XCTAssertEqual(report.files.map(\.name), fileNames(.csv))
        XCTAssertEqual(report.files[0].records, Self.residents)
        XCTAssertEqual(report.files[1].records, Self.enterprises)
        for file in report.files {
            XCTAssertEqual(try Files.bytes(file.path).count, file.bytes, file.name)
        }
        let licenceLines = Files.lines(try Files.bytes(report.files[2].path)).count - 1
        XCTAssertEqual(report.files[2].records, licenceLines)
        XCTAssertGreaterThan(licenceLines, Self.enterprises, "about one licence per enterprise plus extras and 残疾人证")
        XCTAssertEqual(report.files[3].records, report.corrupted.count)
    }

    // MARK: Validity

    func testEveryCleanRowValidatesAndKeysAreUnique() throws {
        let report = try generate("v")
        let bad = Set(report.corrupted.map { "\($0.file):\($0.line)" })
        let provinces = schemas.divisions.provinceCodes
        for kind in DatasetKind.allCases {
            let check = RowCheck(schema: schemas[kind], divisions: schemas.divisions)
            var keys = Set<String>()
            var clean = 0
            for (line, record) in try records("v", kind) where !bad.contains("\(kind.rawValue).csv:\(line)") {
                clean += 1
                XCTAssertNil(record.malformed, "\(kind) line \(line)")
                if let problem = check.firstProblem(record) {
                    XCTFail("\(kind).csv line \(line): \(problem) in \(record.cells)")
                }
                let key = record[schemas[kind].key.name]
                XCTAssertTrue(keys.insert(key).inserted, "\(kind) key \(key) repeated on line \(line)")
                switch kind {
                case .residents:
                    guard case .success(let id) = ResidentIDNumber.validate(key, provinces: provinces) else {
                        XCTFail("bad id \(key)")
                        continue
                    }
                    XCTAssertEqual(id.gender, record["gender"])
                    XCTAssertEqual(Day.parse(record["birth_date"]), id.birthDate)
                    XCTAssertNil(schemas.divisions.validate(record["hukou_division"]))
                case .enterprises:
                    XCTAssertEqual(try? CreditCode.validate(key).get(), key)
                    XCTAssertTrue(key.hasPrefix("91") || key.hasPrefix("92"), key)
                    XCTAssertNil(schemas.divisions.validate(record["reg_division"]))
                    XCTAssertEqual(String(key.dropFirst(2).prefix(6)), String(record["reg_division"].prefix(6)))
                    XCTAssertNotNil(IndustryCode.normalize(record["industry"]))
                    XCTAssertNotNil(Day.parse(record["established"]))
                    if let employees = Int(record["employees"]) {
                        XCTAssertLessThanOrEqual(Int(record["insured_employees"]) ?? 0, employees)
                    }
                    XCTAssertEqual(record["high_tech"] == "是", !record["high_tech_cert_date"].isEmpty)
                    XCTAssertEqual(record["above_scale"] == "是", !record["first_above_scale_year"].isEmpty)
                case .licences:
                    let issue = try XCTUnwrap(Day.parse(record["issue_date"]))
                    XCTAssertLessThanOrEqual(issue, FixtureOptions.defaultAsOf)
                    if let expiry = Day.parse(record["expiry_date"]) { XCTAssertGreaterThan(expiry, issue) }
                }
            }
            XCTAssertGreaterThan(clean, 0)
        }
    }

    func testHouseholdsHaveExactlyOneHeadAndPlausibleAges() throws {
        try generate("h", badRate: 0)
        var heads: [String: Int] = [:]
        var headBirth: [String: Day] = [:]
        var members: [(household: String, relation: String, birth: Day)] = []
        var ages: [Int] = []
        let asOf = FixtureOptions.defaultAsOf
        for (_, record) in try records("h", .residents) {
            let household = record["household_id"]
            let birth = try XCTUnwrap(Day.parse(record["birth_date"]))
            if record["relation"] == "户主" {
                heads[household, default: 0] += 1
                headBirth[household] = birth
            }
            members.append((household, record["relation"], birth))
            ages.append(Int(asOf.daysSinceEpoch - birth.daysSinceEpoch) / 365)
        }
        XCTAssertEqual(Set(members.map(\.household)).count, heads.count, "a household without a head")
        XCTAssertTrue(heads.values.allSatisfy { $0 == 1 }, "a household with two heads")
        let sizes = Dictionary(grouping: members, by: \.household).mapValues(\.count)
        XCTAssertTrue(sizes.values.allSatisfy { (1...6).contains($0) })
        for member in members {
            let head = try XCTUnwrap(headBirth[member.household])
            switch member.relation {
            case "子女": XCTAssertGreaterThan(member.birth, head, "a child older than the head")
            case "孙子女": XCTAssertGreaterThan(member.birth, DayMathForTests.adding(years: 30, to: head))
            case "父母": XCTAssertLessThan(member.birth, DayMathForTests.adding(years: -15, to: head))
            default: break
            }
        }
        XCTAssertTrue(ages.allSatisfy { (0...106).contains($0) })
        let share = { (range: ClosedRange<Int>) in Double(ages.filter(range.contains).count) / Double(ages.count) }
        XCTAssertGreaterThan(share(0...2), 0.005, "some infants")
        XCTAssertGreaterThan(share(60...106), 0.15, "plenty of people over 60")
        XCTAssertLessThan(share(90...106), 0.05, "few over 90")
        XCTAssertGreaterThan(share(90...106), 0.0)
    }

    func testSharesOfOptionalEmptiesAndFlags() throws {
        let report = try generate("s", badRate: 0, residents: 6_000, enterprises: 1_000)
        func rate(_ kind: DatasetKind, _ field: String) throws -> Double {
            try XCTUnwrap(report.missing.first { $0.kind == kind && $0.field == field }).rate
        }
        for field in ["hukou_type", "phone", "dibao", "tekun", "medical_insurance", "annual_income_yuan", "consent_push"] {
            let share = try rate(.residents, field)
            XCTAssertTrue((0.01...0.06).contains(share), "residents.\(field): \(share)")
        }
        for field in ["employees", "revenue_wan", "layoff_rate", "contact_phone"] {
            XCTAssertTrue((0.005...0.08).contains(try rate(.enterprises, field)), "enterprises.\(field)")
        }
        XCTAssertTrue((0.02...0.09).contains(1 - (try rate(.residents, "disability_level"))), "about 5% disabled")
        XCTAssertTrue((0.04...0.13).contains(1 - (try rate(.enterprises, "high_tech_cert_date"))), "about 8% high-tech")
        XCTAssertTrue((0.09...0.21).contains(1 - (try rate(.enterprises, "first_above_scale_year"))), "about 15% above scale")

        let residents = try records("s", .residents).map(\.record)
        let agricultural = Double(residents.filter { $0["hukou_type"] == "农业" }.count) / Double(residents.count)
        XCTAssertTrue((0.12...0.28).contains(agricultural), "农业 \(agricultural)")
        let local = Double(residents.filter { $0["hukou_division"].hasPrefix("410103") }.count) / Double(residents.count)
        XCTAssertTrue((0.84...0.95).contains(local), "二七区户籍 \(local)")
        XCTAssertTrue(residents.contains { $0["id_number"].hasSuffix("X") })
        for record in residents where record["hukou_type"] == "非农业" {
            XCTAssertEqual(record["farmland_mu"], "0")
        }
        for record in residents where record["hukou_type"] == "农业" {
            let mu = try XCTUnwrap(ScaledDecimal.parse(record["farmland_mu"], scale: 2))
            XCTAssertTrue((100...1500).contains(mu.units), record["farmland_mu"])
        }
    }

    func testLicencesFollowTheirHolders() throws {
        try generate("l", badRate: 0, residents: 4_000, enterprises: 800)
        let enterprises = try records("l", .enterprises).map(\.record)
        let residents = try records("l", .residents).map(\.record)
        let licences = try records("l", .licences).map(\.record)
        var byHolder: [String: [ParsedRecord]] = [:]
        for licence in licences { byHolder[licence["holder_id"], default: []].append(licence) }
        for enterprise in enterprises {
            let held = byHolder[enterprise["uscc"]] ?? []
            XCTAssertTrue(held.allSatisfy { $0["holder_kind"] == "企业" })
            XCTAssertTrue(held.contains { $0["license_type"] == "营业执照" }, "\(enterprise["uscc"]) has no 营业执照")
            if enterprise["high_tech"] == "是" {
                let cert = try XCTUnwrap(held.first { $0["license_type"] == "高新技术企业证书" })
                let issue = try XCTUnwrap(Day.parse(enterprise["high_tech_cert_date"]))
                XCTAssertEqual(cert["issue_date"], enterprise["high_tech_cert_date"])
                XCTAssertEqual(Day.parse(cert["expiry_date"]), DayMathForTests.adding(years: 3, to: issue).advanced(-1))
            }
        }
        for resident in residents where !resident["disability_level"].isEmpty {
            let cards = (byHolder[resident["id_number"]] ?? []).filter { $0["license_type"] == "残疾人证" }
            XCTAssertEqual(cards.count, 1)
            XCTAssertEqual(cards.first?["holder_kind"], "个人")
            XCTAssertEqual(cards.first?["license_no"].hasPrefix(resident["id_number"]), true)
        }
        let asOf = FixtureOptions.defaultAsOf
        let expiries = licences.map { Day.parse($0["expiry_date"]) }
        let soon = Double(expiries.filter { $0.map { $0 >= asOf && $0 < asOf.advanced(90) } ?? false }.count) / Double(licences.count)
        XCTAssertTrue((0.025...0.09).contains(soon), "expiring within 90 days: \(soon)")
        XCTAssertTrue(expiries.contains { $0.map { $0 < asOf } ?? false }, "some expired")
        XCTAssertTrue(expiries.contains { $0 == nil }, "some 长期有效")
        XCTAssertEqual(Set(licences.map { $0["license_no"] }).count, licences.count, "licence numbers repeat")
    }

    // MARK: The manifest

    func testManifestListsExactlyTheCorruptedRecordsInEveryFormat() throws {
        let rate = 0.05
        for format in FixtureFormat.allCases {
            let name = "m-" + format.rawValue
            let report = try generate(name, badRate: rate, format: format)
            let manifest = try Files.manifest(dir.file(name) + "/" + FixtureGenerator.manifestName)
            XCTAssertEqual(manifest, report.corrupted)
            XCTAssertEqual(manifest, manifest.sorted(), "manifest not sorted")
            XCTAssertEqual(
                Files.lines(try Files.bytes(dir.file(name) + "/" + FixtureGenerator.manifestName)).first.flatMap(Files.text),
                "file,line,field,reason_code"
            )
            for kind in DatasetKind.allCases {
                let file = kind.rawValue + "." + format.fileExtension
                let listed = Dictionary(uniqueKeysWithValues: manifest.filter { $0.file == file }.map { ($0.line, $0) })
                let rows = try records(name, kind, format)
                let expected = Double(rows.count) * rate
                XCTAssertEqual(Double(listed.count), expected, accuracy: max(8, expected * 0.4), "\(file): \(listed.count) bad rows")
                let check = RowCheck(schema: schemas[kind], divisions: schemas.divisions)
                let key = schemas[kind].key.name
                var cleanKeys = Set<String>()
                for (line, record) in rows {
                    guard let entry = listed[line] else {
                        XCTAssertNil(record.malformed, "\(file):\(line)")
                        XCTAssertNil(check.firstProblem(record), "\(file):\(line) is not listed but fails")
                        cleanKeys.insert(record[key])
                        continue
                    }
                    switch entry.reason {
                    case .wrongColumnCount, .badJSON:
                        XCTAssertEqual(entry.field, "")
                        XCTAssertEqual(record.malformed, entry.reason, "\(file):\(line)")
                    case .badEncoding:
                        XCTAssertEqual(entry.field, "name")
                        XCTAssertTrue(record.raw.contains(0xFF), "\(file):\(line) has no invalid byte")
                        XCTAssertEqual(record.raw.filter { $0 == 0xFF }.count, 1)
                    case .duplicateKey:
                        XCTAssertEqual(entry.field, key)
                        XCTAssertNil(record.malformed)
                        XCTAssertNil(check.firstProblem(record), "\(file):\(line) duplicate must be otherwise valid")
                        XCTAssertTrue(cleanKeys.contains(record[key]), "\(file):\(line) repeats no earlier clean record")
                    default:
                        XCTAssertNil(record.malformed, "\(file):\(line)")
                        let problem = check.firstProblem(record)
                        XCTAssertEqual(problem?.field, entry.field, "\(file):\(line) \(record.cells)")
                        XCTAssertEqual(problem?.reason, entry.reason, "\(file):\(line) \(record.cells)")
                    }
                    XCTAssertFalse(format == .xml && [.badEncoding, .badJSON, .wrongColumnCount].contains(entry.reason))
                }
            }
        }
    }

    func testFormatsCorruptTheSameRecordsAndAgreeOnCleanOnes() throws {
        for format in FixtureFormat.allCases { try generate("f-" + format.rawValue, badRate: 0.08, format: format) }
        for kind in DatasetKind.allCases {
            var byFormat: [[Int: ParsedRecord]] = []
            var corruptedIndices: [Set<Int>] = []
            for format in FixtureFormat.allCases {
                let name = "f-" + format.rawValue
                let rows = try records(name, kind, format)
                byFormat.append(Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($0.offset, $0.element.record) }))
                let file = kind.rawValue + "." + format.fileExtension
                let lines = try Files.manifest(dir.file(name) + "/" + FixtureGenerator.manifestName).filter { $0.file == file }
                corruptedIndices.append(Set(lines.map { $0.line - format.line(ofRecord: 0) }))
            }
            XCTAssertEqual(corruptedIndices[0], corruptedIndices[1], "\(kind): csv and jsonl corrupt different records")
            XCTAssertEqual(corruptedIndices[0], corruptedIndices[2], "\(kind): csv and xml corrupt different records")
            XCTAssertEqual(byFormat[0].count, byFormat[2].count)
            for index in 0..<byFormat[0].count where !corruptedIndices[0].contains(index) {
                let csv = byFormat[0][index]!.cells.filter { !$0.value.isEmpty }
                XCTAssertEqual(csv, byFormat[1][index]!.cells.filter { !$0.value.isEmpty }, "\(kind) #\(index) csv ≠ jsonl")
                XCTAssertEqual(csv, byFormat[2][index]!.cells.filter { !$0.value.isEmpty }, "\(kind) #\(index) csv ≠ xml")
            }
        }
    }

    func testJSONAndXMLShapes() throws {
        try generate("j", badRate: 0, format: .jsonl)
        try generate("x", badRate: 0, format: .xml)
        let json = Files.lines(try Files.bytes(dir.file("j/enterprises.jsonl"))).compactMap(Files.text)
        XCTAssertEqual(json.count, Self.enterprises)
        XCTAssertTrue(json.allSatisfy { $0.hasPrefix("{\"uscc\":\"") && $0.hasSuffix("}") })
        XCTAssertTrue(json.contains { $0.contains("\"revenue_wan\":") && !$0.contains("\"revenue_wan\":\"") }, "decimals as numbers")
        XCTAssertTrue(json.contains { $0.contains(":null") }, "some empty values as null")
        XCTAssertTrue(json.contains { !$0.contains("\"high_tech_cert_date\"") }, "some empty values omitted")
        for line in json {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            XCTAssertTrue(object is [String: Any], line)
        }
        let xml = Files.lines(try Files.bytes(dir.file("x/residents.xml"))).compactMap(Files.text)
        XCTAssertEqual(xml.first, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        XCTAssertEqual(xml[1], "<residents>")
        XCTAssertEqual(xml.last, "</residents>")
        XCTAssertEqual(xml.count, Self.residents + 3)
        XCTAssertTrue(xml[2].hasPrefix("<resident><id_number>") && xml[2].hasSuffix("</resident>"))
        XCTAssertTrue(xml.contains { $0.contains("/>") }, "some empty elements")
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: dir.file("x/residents.xml")))
        XCTAssertEqual(document.rootElement()?.childCount, Self.residents)
    }

    // MARK: Encodings

    func testGB18030FilesDecodeToTheUTF8Files() throws {
        for format in FixtureFormat.allCases {
            try generate("u-" + format.rawValue, badRate: 0, format: format, residents: 500, enterprises: 100)
            try generate("g-" + format.rawValue, badRate: 0, format: format, encoding: .gb18030, residents: 500, enterprises: 100)
            for kind in DatasetKind.allCases {
                let file = kind.rawValue + "." + format.fileExtension
                let utf8 = try Files.bytes(dir.file("u-\(format.rawValue)/\(file)"))
                let gb = try Files.bytes(dir.file("g-\(format.rawValue)/\(file)"))
                XCTAssertNotEqual(utf8, gb)
                var decoded = try XCTUnwrap(Files.decodeGB18030(gb), file)
                if format == .xml {
                    let declaration = Array("<?xml version=\"1.0\" encoding=\"GB18030\"?>".utf8)
                    XCTAssertEqual(Array(decoded.prefix(declaration.count)), declaration)
                    decoded.replaceSubrange(0..<declaration.count, with: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>".utf8))
                }
                XCTAssertEqual(decoded, utf8, "\(file) in GB18030 does not decode to the UTF-8 file")
            }
        }
    }

    func testInvalidBytesSurviveGB18030() throws {
        let report = try generate("gb", badRate: 0.1, encoding: .gb18030)
        try generate("u8", badRate: 0.1)
        let gb = try Files.bytes(dir.file("gb/residents.csv"))
        let badEncoding = report.corrupted.filter { $0.reason == .badEncoding }
        XCTAssertGreaterThan(badEncoding.count, 0)
        XCTAssertEqual(gb.filter { $0 == 0xFF }.count, badEncoding.count)
        // Every piece between the invalid bytes decodes, and together they give the UTF-8 file.
        let pieces = try gb.split(separator: 0xFF, omittingEmptySubsequences: false).map {
            try XCTUnwrap(Files.decodeGB18030(Array($0)))
        }
        XCTAssertEqual(Array(pieces.joined(separator: [0xFF])), try Files.bytes(dir.file("u8/residents.csv")))
        XCTAssertNil(Files.decodeGB18030(gb), "0xFF must stay invalid in GB18030")
    }

    func testAsOfMovesTheDates() throws {
        let options = FixtureOptions(
            residents: 200, enterprises: 50, outputDirectory: dir.file("asof"), asOf: try XCTUnwrap(Day.parse("2020-06-30"))
        )
        _ = try FixtureGenerator(schemas: schemas, options: options).run()
        let limit = try XCTUnwrap(Day.parse("2020-06-30"))
        for (_, record) in try records("asof", .licences) {
            XCTAssertLessThanOrEqual(try XCTUnwrap(Day.parse(record["issue_date"])), limit)
        }
        for (_, record) in try records("asof", .residents) {
            XCTAssertLessThan(try XCTUnwrap(Day.parse(record["birth_date"])), limit)
        }
    }

    func testRejectsBadOptions() {
        XCTAssertThrowsError(try FixtureGenerator(
            schemas: schemas, options: FixtureOptions(residents: 1, enterprises: 1, outputDirectory: dir.path, badRate: 1.5)
        ))
        XCTAssertThrowsError(try FixtureGenerator(
            schemas: schemas, options: FixtureOptions(residents: -1, enterprises: 1, outputDirectory: dir.path)
        ))
    }
}

/// Calendar steps for assertions.
enum DayMathForTests {
    static func adding(years: Int, to day: Day) -> Day {
        let (y, m, d) = day.components
        return Day(year: y + years, month: m, day: min(d, Day.daysIn(month: m, year: y + years)))!
    }
}

extension Day {
    func advanced(_ days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + Int32(days)) }
}
