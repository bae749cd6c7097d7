public import Datasets
public import Evaluation
internal import Crypto
internal import Foundation
public import RuleLanguage
public import Store

/// A run as read back from the ledger: the decided `BatchResult` and the policies as they were.
public struct LoadedRun: Sendable {
    public var record: RunRecord
    public var result: BatchResult
    /// By policy id.
    public var info: [String: RunPolicyInfo]
    /// What manual review did in this run (only for a run just executed; nil when it did nothing).
    public var reviews: ReviewPass? = nil
    /// What the run posted to the grants ledger (only for a run just executed that posts).
    public var posted: PostingSummary? = nil
}

/// `mianshen run`: every published policy valid on the day (drafts too when asked) over every
/// active entity; 互斥组 and budgets decided; stored with its ledger, the review items it opens
/// and the grants it posts in one transaction.
public enum BatchRun {
    /// Published policies (all with `includeDrafts`) whose validity window contains `asOf`.
    public static func select(_ entries: [CatalogEntry], asOf: Day, includeDrafts: Bool) -> [CatalogEntry] {
        entries.filter { entry in
            guard includeDrafts || entry.status == .published else { return false }
            guard let validity = entry.policy.validity else { return true }
            return validity.from <= asOf && asOf <= validity.to
        }
    }

    /// SHA-256 over the evaluated policies' content hashes, in id order (`ID SHA` per line).
    public static func rulesHash(_ entries: [CatalogEntry]) -> String {
        RuleCatalog.sha256(entries.sorted { $0.policy.id < $1.policy.id }.map { "\($0.policy.id) \($0.sha256)" }.joined(separator: "\n"))
    }

    /// Evaluates with `engine` (the columnar engine; `ReferenceBatch` is the oracle tests use),
    /// applies manual review decisions (`ReviewPass`; with `opensReviewItems`, unknowns also open
    /// or rebind review items), decides 互斥组 and budgets, and stores the run with its ledger —
    /// with `postsGrants` (never for a run with drafts) and its 直接兑现 grants, in one transaction.
    public static func execute(
        entries: [CatalogEntry], program: Program, store: ProfileStore, asOf: Day, includeDrafts: Bool,
        engine: any BatchEngine.Type = ColumnarBatch.self, progress: ((String, Int) -> Void)? = nil, timing: PhaseTiming? = nil,
        opensReviewItems: Bool = false, postsGrants: Bool = false
    ) throws -> LoadedRun {
        let started = Date()
        let policies = entries.map(\.policy)
        let rulesSHA256 = rulesHash(entries)
        // The same night again (same inputs, rules, day and engine as the last run that bound every
        // unknown): every item's binding holds, so only decisions are read and nothing is hashed.
        let reviewed = try store.latestReviewedRun()
        let engineVersion = engine.engineVersion
        func holds(_ inputs: [RunInput]) -> Bool {
            reviewed.map {
                $0.asOf == asOf.description && $0.engine == engineVersion && $0.rulesSHA256 == rulesSHA256 && $0.inputs == inputs
            } ?? false
        }
        // The review items are read while the engine evaluates (their read was a serial step after it).
        let predicted = holds(try currentInputs(store))
        let ids = policies.map(\.id)
        let prefetch = BackgroundTask { try store.reviewBindings(policies: ids, decidedOnly: predicted) }
        var output = try engine.evaluate(policies: policies, program: program, store: store, asOf: asOf, progress: progress, timing: timing)
        var result = output.result
        // The populations are what they will be saved as: their ids' bytes and hashes are made
        // beside the review pass, which leaves a core idle while it matches unknowns with items.
        let populations = result.populations
        let digests = BackgroundTask { PopulationDigests(populations) }
        let inputs = try currentInputs(store)
        let verified = holds(inputs)
        var review = try reviewPass(
            &result, output.columns, policies: policies, program: program, store: store, opensItems: opensReviewItems, verified: verified,
            prefetched: verified == predicted ? prefetch : nil, timing: timing
        )
        output.columns = nil
        if review != nil { timing?.lap("人工复核") }
        BatchDecisions.apply(
            &result, policies: policies, orderKeys: try output.orderKeys ?? grantOrderKeys(policies, result, store),
            granted: try GrantLedger.granted(policies, result, store)
        )
        timing?.lap("互斥组与预算")
        let infos = Dictionary(uniqueKeysWithValues: policies.map { ($0.id, RunPolicyInfo($0, program: program, schemas: store.schemas)) })
        let hashes = Dictionary(uniqueKeysWithValues: entries.map { ($0.policy.id, $0.sha256) })
        let (ledger, hashing) = deferredLedgerRecord(
            result, infos: infos, hashes: hashes, started: started, engine: engine.engineVersion, includeDrafts: includeDrafts,
            rulesSHA256: rulesSHA256, inputs: inputs, populations: try digests.value()
        )
        timing?.lap("编码（结果哈希在后台）")
        var record = ledger
        record.reviewed = opensReviewItems
        var run = LoadedRun(record: record, result: result, info: infos)
        let changes = review?.changes(for: run) ?? (rebinds: [], openings: [])
        let plan = postsGrants && !includeDrafts ? try GrantLedger.plan(run: run, store: store) : nil
        timing?.lap("复核事项与发放台账")
        let saved = try store.saveRun(
            record, reviewChanges: changes.rebinds, openings: changes.openings, grants: plan?.postings, resultsSHA256: hashing.digest
        )
        timing?.lap("保存（含等待结果哈希）")
        run.record.id = saved.runID
        run.record.resultsSHA256 = hashing.digest()
        review?.recorded(saved.reviews)
        run.reviews = review
        run.posted = saved.posted.map { plan?.completing($0) ?? $0 }
        return run
    }

    /// The ledger record of a decided result, with its results hash.
    static func ledgerRecord(
        _ decided: BatchResult, infos: [String: RunPolicyInfo], hashes: [String: String], started: Date, engine: String,
        includeDrafts: Bool, rulesSHA256: String, inputs: [RunInput]
    ) -> RunRecord {
        let (record, hashing) = deferredLedgerRecord(
            decided, infos: infos, hashes: hashes, started: started, engine: engine, includeDrafts: includeDrafts,
            rulesSHA256: rulesSHA256, inputs: inputs
        )
        var complete = record
        complete.resultsSHA256 = hashing.digest()
        return complete
    }

    /// The ledger record of a decided result, its results hash still being computed: that one
    /// pass over the CSV bytes (340 MB at 1 M residents) runs beside the per-policy encoding and
    /// the populations' hashes, and then beside whatever the caller does until it waits (the
    /// review items and the save, which fill in the hash last). The ids' bytes are built once
    /// for both hashes. `hashes`: the policies' content hashes by id.
    static func deferredLedgerRecord(
        _ decided: BatchResult, infos: [String: RunPolicyInfo], hashes: [String: String], started: Date, engine: String,
        includeDrafts: Bool, rulesSHA256: String, inputs: [RunInput], populations digests: PopulationDigests? = nil
    ) -> (record: RunRecord, hashing: BackgroundTask<String>) {
        let populations = digests ?? PopulationDigests(decided.populations)
        let idBytes = populations.idBytes
        let hashing = BackgroundTask { ResultsExport.sha256(decided, ids: idBytes) }
        let policies = parallelMap(decided.policies.count) { index in
            let batch = decided.policies[index]
            return runPolicy(batch, info: infos[batch.policyID], sha256: hashes[batch.policyID] ?? "")
        }
        let populationHashes = populations.hashes
        let record = RunRecord(
            asOf: decided.asOf.description, startedAt: timestamp(started), finishedAt: timestamp(Date()),
            engine: engine, includeDrafts: includeDrafts, rulesSHA256: rulesSHA256, inputs: inputs,
            resultsSHA256: "",
            populations: decided.populations.values.sorted { $0.subject < $1.subject }.map { population in
                RunPopulation(
                    subject: population.subject, ids: population.ids, sha256: populationHashes[population.subject] ?? "",
                    joinedIDs: idBytes[population.subject].map { Array($0.joined) }
                )
            },
            policies: policies
        )
        return (record, hashing)
    }

    /// The inputs a run made now would read: the latest import of each kind.
    public static func currentInputs(_ store: ProfileStore) throws -> [RunInput] {
        try DatasetKind.allCases.compactMap { kind in
            try store.latestImport(kind: kind).map { RunInput(kind: kind.rawValue, importID: $0.id, sha256: $0.sha256) }
        }
    }

    /// Nil when there is nothing to do: no item to honour and none to open.
    private static func reviewPass(
        _ result: inout BatchResult, _ columns: ColumnSet?, policies: [CompiledPolicy], program: Program, store: ProfileStore,
        opensItems: Bool, verified: Bool, prefetched: BackgroundTask<[String: PolicyReviewBindings]>?, timing: PhaseTiming?
    ) throws -> ReviewPass? {
        let unknown = result.policies.filter { $0.outcomes.contains(.unknown) }.map(\.policyID)
        guard !unknown.isEmpty else { return nil }
        let items = try prefetched.map { task in try task.value().filter { unknown.contains($0.key) } }
            ?? store.reviewBindings(policies: unknown, decidedOnly: verified)
        timing?.lap("复核：读取事项")
        guard opensItems || !items.isEmpty else { return nil }
        let loaded = try columns ?? store.loadColumns(ColumnarEngine.columnRequest(program: program, policies: policies))
        return ReviewPass.prepare(
            &result, policies: policies, program: program, columns: loaded, items: items, opensItems: opensItems, verified: verified
        )
    }

    /// The 发放顺序 keys of the policies with a budget and an order, in population order, read
    /// from the store (so every engine grants in the same order).
    public static func grantOrderKeys(_ policies: [CompiledPolicy], _ result: BatchResult, _ store: ProfileStore) throws -> BatchDecisions.OrderKeys {
        var keys: BatchDecisions.OrderKeys = [:]
        for policy in policies where policy.budget != nil {
            guard let order = policy.grantOrder else { continue }
            let subject = policy.subject ?? "居民"
            guard let kind = NameTable.subjectKind(subject), let ids = result.populations[subject]?.ids else { continue }
            let values = try store.fieldValues(kind, field: order.field, unit: subject == "家庭" ? .householdHead : .each, alignedTo: ids)
            keys[policy.id] = values.map(BatchDecisions.orderKey)
        }
        return keys
    }

    static func runPolicy(_ batch: PolicyBatch, info: RunPolicyInfo?, sha256: String) -> RunPolicy {
        // Tallied by raw value (a million rows: no dictionary look-up per row).
        var tally = [Int](repeating: 0, count: 256)
        var sums = [Int64](repeating: 0, count: 256)
        for (entity, outcome) in batch.outcomes.enumerated() {
            tally[Int(outcome.rawValue)] += 1
            sums[Int(outcome.rawValue)] += batch.amountFen[entity]
        }
        var counts: [String: Int] = [:]
        var amounts: [String: Int64] = [:]
        for outcome in BatchOutcome.allCases {
            counts[outcome.code] = tally[Int(outcome.rawValue)]
            if outcome == .eligible || outcome == .excluded || outcome == .overBudget, tally[Int(outcome.rawValue)] > 0 {
                amounts[outcome.code] = sums[Int(outcome.rawValue)]
            }
        }
        let bits = batch.conditions.flatMap { [$0.known, $0.truth] } + [batch.amountKnown]
        let metadata = (try? JSONEncoder.sorted.encode(info)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return RunPolicy(
            policyID: batch.policyID, title: info?.title ?? "", subject: batch.subject, sha256: sha256, metadata: metadata,
            counts: counts, amountsFen: amounts,
            rows: BatchEncoding.encodeRows(outcomes: batch.outcomes, amountFen: batch.amountFen),
            conditions: BatchEncoding.encode(bits)
        )
    }

    /// A stored run (the latest when `id` is nil); nil if there is none.
    public static func load(store: ProfileStore, id: Int64?) throws -> LoadedRun? {
        guard let id = try id ?? store.latestRunID(), let record = try store.loadRun(id) else { return nil }
        var populations: [String: BatchPopulation] = [:]
        for population in record.populations {
            populations[population.subject] = BatchPopulation(subject: population.subject, ids: population.ids)
        }
        var infos: [String: RunPolicyInfo] = [:]
        var batches: [PolicyBatch] = []
        for policy in record.policies {
            let count = populations[policy.subject]?.count ?? 0
            guard let info = try? JSONDecoder().decode(RunPolicyInfo.self, from: Data(policy.metadata.utf8)),
                  let rows = BatchEncoding.decodeRows(policy.rows, count: count),
                  let bits = BatchEncoding.decodeBitsets(policy.conditions, count: count),
                  bits.count == info.conditions.count * 2 + 1 else {
                throw RunError.corrupt(id, policy.policyID)
            }
            infos[policy.policyID] = info
            let conditions = info.conditions.enumerated().map { position, condition in
                ConditionBits(name: condition.name, known: bits[2 * position], truth: bits[2 * position + 1])
            }
            batches.append(PolicyBatch(
                policyID: policy.policyID, subject: policy.subject, outcomes: rows.outcomes, amountFen: rows.amountFen,
                conditions: conditions, amountKnown: bits[bits.count - 1]
            ))
        }
        var slim = record
        slim.policies = record.policies.map { policy in
            var p = policy
            p.rows = []
            p.conditions = []
            return p
        }
        let asOf = Day.parse(record.asOf) ?? Day(daysSinceEpoch: 0)
        return LoadedRun(record: slim, result: BatchResult(asOf: asOf, populations: populations, policies: batches), info: infos)
    }

    /// Each population's ids as bytes (for the results hash and the stored lists) and its hash.
    struct PopulationDigests: Sendable {
        var idBytes: [String: IDBytes]
        var hashes: [String: String]

        init(_ populations: [String: BatchPopulation]) {
            let subjects = populations.keys.sorted()
            let made = parallelMap(subjects.count) { i -> (IDBytes, String) in
                let bytes = populations[subjects[i]]?.bytes ?? IDBytes([])
                return (bytes, BatchRun.populationSHA256(subjects[i], bytes))
            }
            idBytes = Dictionary(uniqueKeysWithValues: zip(subjects, made.map(\.0)))
            hashes = Dictionary(uniqueKeysWithValues: zip(subjects, made.map(\.1)))
        }
    }

    /// SHA-256 of the subject and its ids, one per line (no trailing line end).
    static func populationSHA256(_ subject: String, _ ids: IDBytes) -> String {
        var hasher = SHA256()
        hasher.update(data: Array((subject + "\n").utf8))
        ids.joined.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hex.lowercase(hasher.finalize())
    }

    static func timestamp(_ date: Date) -> String {
        var formatter = Date.ISO8601FormatStyle()
        formatter.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return date.formatted(formatter)
    }
}

/// A run that cannot be read back.
public enum RunError: Error, CustomStringConvertible {
    case corrupt(Int64, String)

    public var description: String {
        switch self {
        case .corrupt(let id, let policy): "运行 \(id) 中政策 \(policy) 的记录已损坏，无法读取。"
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
