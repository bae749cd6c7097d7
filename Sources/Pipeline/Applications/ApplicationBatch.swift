internal import Datasets
internal import Evaluation
internal import Foundation
public import Outputs
internal import RuleLanguage
public import Store

/// `applications generate`: for each eligible (entity, policy) of a 依申请 policy in a stored
/// run, an application from the policy's form, written as XML (validated against the XSD before
/// it is kept) and as a printable HTML page, plus an index CSV. The files depend only on the
/// run and the profiles, so regenerating gives byte-identical files.
public enum ApplicationBatch {
    public static let indexName = "index.csv"

    /// The 依申请 policies of a run by id, with their 对象: what applications are generated for.
    public static func applicationPolicies(_ run: LoadedRun) -> [String: String] {
        var out: [String: String] = [:]
        for (id, info) in run.info where info.mode == "依申请" { out[id] = info.subject }
        return out
    }

    /// What `FormLoader` may read forms for: the run's 依申请 policies and the catalog's, so the
    /// form of a policy the run did not evaluate (not valid on its day) is not an error.
    public static func formSubjects(_ run: LoadedRun, catalog entries: [CatalogEntry]) -> [String: String] {
        var out = applicationPolicies(run)
        for entry in entries where entry.policy.mode == "依申请" && out[entry.policy.id] == nil {
            out[entry.policy.id] = entry.policy.subject ?? "居民"
        }
        return out
    }

    public static func generate(
        run: LoadedRun, store: ProfileStore, forms: [String: FormDefinition], schema: ApplicationSchema,
        policy: String? = nil, output: String
    ) throws -> ApplicationSummary {
        var summary = ApplicationSummary(runID: run.record.id, asOf: run.record.asOf)
        let wanted = applicationPolicies(run).keys.filter { policy == nil || $0 == policy }.sorted()
        let manager = FileManager.default
        try manager.createDirectory(atPath: output, withIntermediateDirectories: true)
        let declined = Set(try store.latestApplicationStatuses().filter { $0.value == "已拒绝" }.keys)
        var offers: [ApplicationOffer] = []
        for policyID in wanted {
            guard let form = forms[policyID] else {
                summary.withoutForm.append(policyID)
                continue
            }
            guard let batch = run.result.policies.first(where: { $0.policyID == policyID }), let info = run.info[policyID],
                  let ids = run.result.populations[batch.subject]?.ids else { continue }
            let filler = ApplicationFiller(run: run, info: info, form: form, schemas: store.schemas)
            let directory = output + "/" + policyID
            var made = false
            var kept: Set<String> = []
            let period = BenefitPeriod(cycle: info.period, asOf: run.result.asOf)
            // The payees as the grants ledger works them out (one function): nil, the entities themselves.
            let payees = try GrantLedger.payees(batch, info, ids, store)
            for (entity, outcome) in batch.outcomes.enumerated() where outcome == .eligible && entity < ids.count {
                let id = ids[entity]
                let number = ApplicationNumber.make(policyID: policyID, entityID: id, period: period)
                if declined.contains(number) {
                    summary.declined.append(number)
                    continue
                }
                let records = try ApplicationRecords.read(id: id, subject: batch.subject, payee: info.payee, store: store)
                // Gone from the profiles since the run (a full extract retired it): no blank form.
                guard records.subject != nil else {
                    summary.gone.append(.init(
                        number: number, policyID: policyID, entity: batch.subject == "居民" ? Masking.maskID(id) : id,
                        problems: ["档案中已没有该对象（运行后的导入已将其注销或迁出），未生成；请重新运行（mianshen run）后再生成。"]
                    ))
                    continue
                }
                // Paid to 户主 / 监护人 whom the data do not give: no application naming someone else.
                guard let payee = payees.map({ $0[entity] }) ?? id else {
                    summary.withoutPayee.append(.init(
                        number: number, policyID: policyID, entity: batch.subject == "居民" ? Masking.maskID(id) : id,
                        problems: ["领取人（户主 / 监护人）在档案中缺失（缺 household_id 或户主），未生成；补齐后重新运行再生成。"]
                    ))
                    continue
                }
                let app = filler.application(number: number, entityID: id, amountFen: batch.amountFen[entity], records: records)
                guard let xml = ApplicationXML.render(app) else {
                    summary.failed.append(.init(number: app.number, policyID: policyID, entity: app.applicant.id, problems: ["libxml2 写 XML 失败。"]))
                    continue
                }
                // 64 bits of SHA-256: a clash is not expected, but two entities must never share a file.
                guard !kept.contains(app.number + ".xml") else {
                    summary.failed.append(.init(number: app.number, policyID: policyID, entity: app.applicant.id, problems: ["申请编号与同一政策的另一份申请表相同。"]))
                    continue
                }
                let problems = schema.validate(xml)
                guard problems.isEmpty else {
                    summary.failed.append(.init(number: app.number, policyID: policyID, entity: app.applicant.id, problems: problems))
                    continue
                }
                if !made {
                    try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    made = true
                }
                let xmlName = "\(policyID)/\(app.number).xml"
                let htmlName = "\(policyID)/\(app.number).html"
                try ApplicationFile.write(xml, to: output + "/" + xmlName)
                try ApplicationFile.write(Data(ApplicationPage.render(app).utf8), to: output + "/" + htmlName)
                kept.formUnion([app.number + ".xml", app.number + ".html"])
                offers.append(ApplicationOffer(
                    benefit: GrantLedger.benefit(policyID: policyID, title: info.title, entityID: id, period: period, payeeID: payee),
                    amountFen: batch.amountFen[entity]
                ))
                summary.written.append(.init(
                    number: app.number, policyID: policyID, title: info.title, period: app.period, entity: app.applicant.id,
                    payee: app.payee.id, amount: app.amount, flagged: app.materials.filter(\.flagged), xml: xmlName, html: htmlName
                ))
            }
            try removeStale(in: directory, policyID: policyID, keeping: kept)
        }
        try ApplicationFile.write(Data(ApplicationIndex.csv(summary.written).utf8), to: output + "/" + indexName)
        try store.recordApplications(offers, runID: run.record.id)
        return summary
    }

    /// Applications of this policy left in the directory by an earlier generation that this one
    /// did not write (the entity is no longer eligible, or its application failed validation):
    /// removed, so the directory holds what `index.csv` lists, as a fresh one would.
    static func removeStale(in directory: String, policyID: String, keeping kept: Set<String>) throws {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(policyID + "-") && (name.hasSuffix(".xml") || name.hasSuffix(".html")) && !kept.contains(name) {
            try manager.removeItem(atPath: directory + "/" + name)
        }
    }
}
