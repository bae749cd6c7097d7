internal import Datasets
internal import Evaluation
internal import Outputs
internal import RuleLanguage
internal import Store

/// Streets and industries: each entity of the run falls in one area; the area sums what its
/// entities were decided.
extension RunReportBuilder {
    static let outsideKey = "outside", missingKey = "missing"

    /// Every listed township of 二七区 (by code), then unlisted 二七区 codes, 二七区以外 and 区划代码缺失.
    static func streets(_ run: LoadedRun, store: ProfileStore) throws -> [AreaFigures] {
        let divisions = store.schemas.divisions
        var tally = AreaTally()
        for code in divisions.erqiTownships.keys.sorted() { tally.area(code, name: divisions.erqiTownships[code] ?? code) }
        for subject in ["居民", "家庭", "企业"] {
            guard let kind = NameTable.subjectKind(subject), let ids = run.result.populations[subject]?.ids,
                  let field = store.schemas[kind].fields.first(where: { $0.type == .division })?.name else { continue }
            let values = try store.fieldValues(kind, field: field, unit: subject == "家庭" ? .householdHead : .each, alignedTo: ids)
            // One look-up per row: a code's area is worked out (and its name built) once.
            var areaOfCode: [String: Int] = [:]
            let keys = values.map { value -> Int in
                guard case .text(let code)? = value else { return tally.area(missingKey, name: "区划代码缺失") }
                if let known = areaOfCode[code] { return known }
                let area: Int
                if let name = divisions.erqiTownships[code] {
                    area = tally.area(code, name: name)
                } else if code.hasPrefix(DivisionCatalog.districtCode) {
                    area = tally.area(code, name: DivisionCatalog.unknownTownship(code))
                } else {
                    area = tally.area(outsideKey, name: "二七区以外")
                }
                areaOfCode[code] = area
                return area
            }
            tally.add(run, subject: subject, areaOf: keys)
        }
        return tally.ordered { key in
            key == missingKey ? 3 : key == outsideKey ? 2 : divisions.erqiTownships[key] == nil ? 1 : 0
        }
    }

    /// Enterprises by 门类 (the letter of their GB/T 4754 code), then 行业代码缺失.
    static func industries(_ run: LoadedRun, store: ProfileStore) throws -> [AreaFigures] {
        guard let ids = run.result.populations["企业"]?.ids, store.schemas.enterprises.index(of: "industry") != nil else { return [] }
        var tally = AreaTally()
        let keys = try store.fieldValues(.enterprises, field: "industry", alignedTo: ids).map { value -> Int in
            guard case .text(let code)? = value, let letter = code.first else { return tally.area(missingKey, name: "行业代码缺失") }
            return tally.area(String(letter), name: IndustryCode.sectionNames[letter] ?? "未知门类")  // names built once per letter
        }
        tally.add(run, subject: "企业", areaOf: keys)
        return tally.ordered { $0 == missingKey ? 1 : 0 }
    }
}

/// Areas by key, and the sums over the entities placed in them.
struct AreaTally {
    private(set) var areas: [AreaFigures] = []
    private var index: [String: Int] = [:]

    /// The position of the area with this key, added when new.
    @discardableResult
    mutating func area(_ key: String, name: @autoclosure () -> String) -> Int {
        if let known = index[key] { return known }
        index[key] = areas.count
        areas.append(AreaFigures(code: key, name: name()))
        return areas.count - 1
    }

    /// Adds the subject's entities (`areaOf[entity]` is its area) and every outcome of the
    /// subject's policies that grant money (reminders are not benefits).
    mutating func add(_ run: LoadedRun, subject: String, areaOf: [Int]) {
        for area in areaOf { areas[area].entities[subject, default: 0] += 1 }
        var benefits = [Bool](repeating: false, count: areaOf.count)
        var amounts = [PeriodAmounts](repeating: [:], count: areas.count)
        for batch in run.result.policies where batch.subject == subject && RunReportBuilder.grantsMoney(run.info[batch.policyID]) {
            let period = run.info[batch.policyID]?.period ?? RunReport.noPeriod
            var fen = [Int64](repeating: 0, count: areas.count)
            for (entity, outcome) in batch.outcomes.enumerated() where entity < areaOf.count {
                let area = areaOf[entity]
                switch outcome {
                case .eligible:
                    areas[area].eligible += 1
                    fen[area] += batch.amountFen[entity]
                    benefits[entity] = true
                case .unknown:
                    areas[area].unknown += 1
                case .ineligible, .excluded, .overBudget:
                    break
                }
            }
            for (area, sum) in fen.enumerated() where sum != 0 { amounts[area][period, default: 0] += sum }
        }
        for (entity, benefits) in benefits.enumerated() where benefits { areas[areaOf[entity]].beneficiaries += 1 }
        for (area, sums) in amounts.enumerated() {
            for (period, sum) in sums { areas[area].amounts[period, default: 0] += sum }
        }
    }

    /// The areas by `rank` of their key, then by key; the synthetic keys' code cleared.
    func ordered(rank: (String) -> Int) -> [AreaFigures] {
        areas.sorted { (rank($0.code), $0.code) < (rank($1.code), $1.code) }.map { area in
            var area = area
            if area.code == RunReportBuilder.outsideKey || area.code == RunReportBuilder.missingKey { area.code = "" }
            return area
        }
    }
}
