internal import Datasets
internal import Evaluation
internal import Outputs
internal import RuleLanguage
internal import Store

/// The benefit items of a run worth telling: each eligible (entity, policy) of a 直接兑现 /
/// 依申请 / 提醒 policy, keyed by the applications' benefit period, with its payee as grants and
/// applications work it out (`GrantLedger.payees`), and its kind against what was told before.
enum PushItems {
    struct Payee: Hashable {
        var kind: DatasetKind
        var id: String
    }

    struct Entry {
        var payee: Payee
        var item: PushItem
        var line: PushLine
    }

    struct Collected {
        var items: [Entry] = []
        /// Status changes that need no message (an application confirmed, say): remembered only.
        var silent: [PushItem] = []
        var alreadyTold = 0
        var withoutPayee = 0
    }

    static let pendingStatus = "待确认"

    /// With `rules` (the current catalog), a 提醒 policy about licences gives one item per licence
    /// that alone makes it hold (`ReminderCollector`, as `reminders list` finds them), keyed by the
    /// licence and its expiry: a renewed licence expiring again is told again. Without, one per holder.
    static func collect(run: LoadedRun, store: ProfileStore, rules: (entries: [CatalogEntry], program: Program)? = nil) throws -> Collected {
        let told = try store.pushTold()
        let statuses = try store.latestApplicationStatuses()
        var out = Collected()
        for batch in run.result.policies.sorted(by: { $0.policyID < $1.policyID }) {
            guard let info = run.info[batch.policyID], let mode = info.mode, ["直接兑现", "依申请", "提醒"].contains(mode),
                  let ids = run.result.populations[batch.subject]?.ids, batch.outcomes.contains(.eligible) else { continue }
            let period = BenefitPeriod(cycle: info.period, asOf: run.result.asOf)
            let payees = try GrantLedger.payees(batch, info, ids, store)
            let aboutLicences = info.conditions.contains { $0.reads.contains(where: ReminderCollector.readsLicence) }
            var licences: [String: [Reminder.Licence]] = [:]
            if mode == "提醒", aboutLicences, let rules {
                let found = try ReminderCollector.collect(run, store: store, entries: rules.entries, program: rules.program, wanted: [batch.policyID])
                for reminder in found.reminders { if let licence = reminder.licence { licences[reminder.holderID, default: []].append(licence) } }
            }
            let eligible = batch.outcomes.indices.filter { batch.outcomes[$0] == .eligible && $0 < ids.count }
            let numbers = eligible.map { ApplicationNumber.make(policyID: batch.policyID, entityID: ids[$0], period: period) }
            let notOffered = try mode == "依申请" ? store.unknownApplicationNumbers(numbers) : Set<String>()
            for (position, entity) in eligible.enumerated() {
                let id = ids[entity]
                if let payees, payees[entity] == nil { out.withoutPayee += 1; continue }
                let payeeID = payees?[entity] ?? id
                let payee = Payee(kind: info.subject == "企业" ? .enterprises : .residents, id: payeeID)
                let number = numbers[position]
                let amount: Int64? = mode == "提醒" || !batch.amountKnown[entity] ? nil : batch.amountFen[entity]
                let topic = mode == "提醒" ? (aboutLicences ? "证照" : "提醒") : "资金"
                var status = ""
                if mode == "依申请", !notOffered.contains(number) { status = statuses[number] ?? pendingStatus }
                // A licence reminder's "period" is the licence and its expiry; otherwise the benefit period.
                let keyed: [(period: String, licence: Reminder.Licence?)] = licences[id].map { found in
                    found.map { ("\($0.type) \($0.number) \($0.expiry)", $0) }
                } ?? [(period.code, nil)]
                for (code, licence) in keyed {
                    let key = PushToldKey(entityID: id, policyID: batch.policyID, period: code, topic: topic)
                    let kind: String
                    switch told[key] {
                    case nil:
                        kind = topic == "证照" ? "证照到期" : status == pendingStatus ? "申请待确认" : "新资格"
                    case let before? where before.amountFen != amount:
                        kind = "金额变化"
                    case let before? where before.status != status && status == pendingStatus:
                        kind = "申请待确认"
                    case let before? where before.status != status:
                        out.silent.append(PushItem(entityID: id, policyID: batch.policyID, period: code, kind: "新资格", topic: topic, amountFen: amount, status: status))
                        continue
                    default:
                        out.alreadyTold += 1
                        continue
                    }
                    let item = PushItem(entityID: id, policyID: batch.policyID, period: code, kind: kind, topic: topic, amountFen: amount, status: status)
                    var line = PushLine(
                        policyID: batch.policyID, title: info.title, kind: kind, amount: amount.map(yuan) ?? "", period: period.label,
                        number: number, office: info.department ?? ""
                    )
                    line.licence = licence
                    out.items.append(Entry(payee: payee, item: item, line: line))
                }
            }
        }
        return out
    }

    /// 360000 fen → 3600.00.
    static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
