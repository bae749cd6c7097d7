internal import Crypto
internal import Datasets
internal import Evaluation
internal import RuleLanguage
internal import Store

/// Manual review within a run. Before 互斥组 and budgets are decided, every unknown (entity,
/// policy) is hashed over the values the policy read for it (`ReviewInputs`): a decided item on
/// the same inputs gives the row its decided outcome (eligible with the decided amount, or
/// ineligible: the engine's outcome codes), so budgets and 互斥组 count it like any other; an
/// item on other inputs is bound to the new ones (a decided one reopens); an unknown without an
/// item opens one. The changes are written with the run, in its transaction.
public struct ReviewPass: Sendable {
    struct Pending: Sendable {
        var policy: Int
        var entity: Int
        var digest: Digest
        var existing: Int64?
    }

    /// A SHA-256 held inline (the library's digest is not `Sendable`).
    struct Digest: Sendable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        init(_ digest: SHA256.Digest) {
            withUnsafeMutableBytes(of: &words) { out in
                digest.withUnsafeBytes { bytes in
                    for k in 0..<min(32, bytes.count) { out[k] = bytes[k] }
                }
            }
        }

        func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
            withUnsafeBytes(of: words, body)
        }
    }

    var pending: [Pending] = []
    /// Rows given a reviewer's decision in this run.
    public private(set) var applied = 0
    /// Whether the run opens and rebinds items (not for runs with drafts: trials open nothing).
    public let opensItems: Bool
    /// The run had the inputs and rules of the last run that bound every unknown: bindings trusted.
    public var verified = false
    /// Filled in by `record`.
    public private(set) var opened = 0
    public private(set) var changed = 0
    public private(set) var reopened = 0

    /// An unknown row the pass looks at: its policy (position in the result), entity, and the
    /// position of its item in the policy's bindings (-1: none).
    private struct Unknown {
        var policy: Int32
        var entity: Int32
        var item: Int32
    }

    /// Applies the decided items to `result` and works out the changes. `verified`: every item's
    /// binding is known to hold (the last run that bound items had these inputs and rules), so no
    /// row is hashed and `items` may hold the decided items only.
    static func prepare(
        _ result: inout BatchResult, policies: [CompiledPolicy], program: Program, columns: ColumnSet,
        items byPolicy: [String: PolicyReviewBindings], opensItems: Bool, verified: Bool = false
    ) -> ReviewPass {
        var pass = ReviewPass(opensItems: opensItems)
        pass.verified = verified
        let compiled = Dictionary(policies.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Each policy's unknown rows matched with its items by walking the population's ascending
        // ids and the items' together (no dictionary look-up per row).
        let text = verified ? ([], [0]) : ReviewInputs.textBytes(columns.dictionary)
        let found = result
        // Policy by policy on every core (a night's matching of unknowns with items compares
        // hundreds of thousands of ids: 60 ms on one core with the other idle).
        let perPolicy = parallelMap(found.policies.count) { index -> (PolicyReviewBindings?, ReviewInputs?, [Unknown]) in
            let batch = found.policies[index]
            let items = byPolicy[batch.policyID]
            guard opensItems || items != nil, let policy = compiled[batch.policyID] else { return (items, nil, []) }
            // The columns and the result come from one load: misaligned, every hash would be of
            // another entity's values — stop rather than skip the policy's decisions in silence.
            let population = columns.subjects[batch.subject], ids = found.populations[batch.subject]?.ids ?? []
            guard let population, population.ids.count == ids.count, population.ids.first == ids.first, population.ids.last == ids.last else {
                preconditionFailure("人工复核：政策 \(batch.policyID) 的数据列（\(population?.ids.count ?? 0) 个对象）与运行结果（\(ids.count) 个）不一致")
            }
            let inputs = verified ? nil : ReviewInputs(keys: ReviewInputs.keys(of: policy, in: program), population: population, columns: columns, text: text)
            var unknowns: [Unknown] = []
            var next = 0
            for entity in batch.outcomes.indices where batch.outcomes[entity] == .unknown {
                var item: Int32 = -1
                if let items {
                    let id = ids[entity]
                    while next < items.count, items.entityIDs[next] < id { next += 1 }
                    if next < items.count, items.entityIDs[next] == id { item = Int32(next) }
                }
                unknowns.append(Unknown(policy: Int32(index), entity: Int32(entity), item: item))
            }
            return (items, inputs, unknowns)
        }
        let bindings = perPolicy.map(\.0), inputs = perPolicy.map(\.1), unknowns = perPolicy.flatMap(\.2)
        // Hashed on every core in equal chunks, through the columns held in place; a row whose
        // inputs hash to its item's needs no hex.
        let work = unknowns
        let hashed = ReviewInputs.withPinned(inputs, extra: bindings.map { $0?.digests ?? [] }) { pinned, digests in
            let shared = SharedDigests(pointers: digests)
            let chunk = max(1024, (work.count + 15) / 16)
            return parallelMap((work.count + chunk - 1) / chunk) { part -> [Digest?] in
                var bytes: [UInt8] = []
                bytes.reserveCapacity(256)
                // Rows come policy by policy: the policy's inputs are taken once per run of rows.
                var policy: Int32 = -1
                var current: ReviewInputs.Pinned? = nil
                return work[part * chunk ..< min(work.count, (part + 1) * chunk)].map { row -> Digest? in
                    if row.policy != policy {
                        policy = row.policy
                        current = pinned[Int(row.policy)]
                    }
                    // Verified (no hasher): the row's item, if any, is bound to these inputs.
                    guard let hasher = current else { return nil }
                    let digest = hasher.digest(Int(row.entity), using: &bytes)
                    if row.item >= 0, Self.digest(digest, equals: shared.pointers[Int(row.policy)], at: Int(row.item)) { return nil }
                    return Digest(digest)
                }
            }.joined()
        }
        for (row, digest) in zip(work, hashed) {
            let index = Int(row.policy), entity = Int(row.entity)
            guard row.item >= 0, let items = bindings[index] else {
                if opensItems, let digest { pass.pending.append(Pending(policy: index, entity: entity, digest: digest, existing: nil)) }
                continue
            }
            let item = Int(row.item)
            if let digest {
                if opensItems { pass.pending.append(Pending(policy: index, entity: entity, digest: digest, existing: items.itemIDs[item])) }
                continue
            }
            guard let outcome = items.decided[item] else { continue }
            // An eligible decision without an amount for a policy that pays one (the policy
            // gained a 金额 since) stays unknown: never a 0 that would be posted as a grant.
            if outcome == .eligible, compiled[result.policies[index].policyID]?.amount != nil, items.amountFen[item] == nil { continue }
            result.policies[index].outcomes[entity] = outcome == .eligible ? .eligible : .ineligible
            result.policies[index].amountFen[entity] = outcome == .eligible ? items.amountFen[item] ?? 0 : 0
            pass.applied += 1
        }
        return pass
    }

    /// The items' stored digests in place, one buffer per policy (see `ReviewInputs.withPinned`).
    private struct SharedDigests: @unchecked Sendable {
        let pointers: [UnsafeBufferPointer<UInt8>]
    }

    /// Whether `digest` equals the 32 bytes at `item` in `digests`.
    private static func digest(_ digest: SHA256.Digest, equals digests: UnsafeBufferPointer<UInt8>, at item: Int) -> Bool {
        digest.withUnsafeBytes { bytes in
            let base = item * 32
            guard bytes.count == 32, base + 32 <= digests.count else { return false }
            for offset in 0..<32 where bytes[offset] != digests[base + offset] { return false }
            return true
        }
    }

    /// The items `run` rebinds and, per policy, the items it opens (missing fields as its
    /// reasons name them); the store writes them with the run.
    func changes(for run: LoadedRun) -> (rebinds: [ReviewChange], openings: [ReviewOpenings]) {
        // Pending rows come policy by policy. A row's missing fields depend only on which of its
        // conditions (and whether its amount) are unknown: worked out once per such pattern, not
        // per row (a first run opens 142 k items at 1 M residents).
        var rebinds: [ReviewChange] = []
        var openings: [ReviewOpenings] = []
        var start = 0
        while start < pending.count {
            let policy = pending[start].policy
            var end = start
            while end < pending.count, pending[end].policy == policy { end += 1 }
            let batch = run.result.policies[policy]
            let needsAmount = run.info[batch.policyID]?.amountFormula != nil
            let ids = run.result.populations[batch.subject]?.ids ?? []
            var opening = ReviewOpenings(policyID: batch.policyID, subject: batch.subject, needsAmount: needsAmount)
            opening.reserve(end - start)
            var missingByPattern: [UInt64: (fields: [String], code: Int64)] = [:]
            for p in pending[start..<end] {
                var pattern: UInt64 = batch.outcomes[p.entity] == .unknown && !batch.amountKnown[p.entity] ? 1 << 63 : 0
                for (position, bits) in batch.conditions.enumerated() where position < 63 && bits.value(at: p.entity) == .unknown {
                    pattern |= 1 << UInt64(position)
                }
                let missing: (fields: [String], code: Int64)
                if batch.conditions.count < 63, let known = missingByPattern[pattern] {
                    missing = known
                } else {
                    let fields = run.reasons(policy: p.policy, entity: p.entity).missing
                    missing = (fields, opening.code(missing: fields))
                    missingByPattern[pattern] = missing
                }
                if let existing = p.existing {
                    rebinds.append(ReviewChange(
                        itemID: existing, inputsSHA256: p.digest.withBytes { Hex.lowercase($0) }, missing: missing.fields, needsAmount: needsAmount
                    ))
                } else {
                    let entity = p.entity < ids.count ? ids[p.entity] : ""
                    // Population ids ascend and are unique: an item that cannot be appended would be
                    // an unknown left without review in silence — stop instead.
                    guard p.digest.withBytes({ opening.append(entityID: entity, digest: $0, missing: missing.code) }) else {
                        preconditionFailure("人工复核：政策 \(batch.policyID) 的对象编号 \(entity) 不在升序中，无法开立复核事项")
                    }
                }
            }
            if opening.count > 0 { openings.append(opening) }
            start = end
        }
        return (rebinds, openings)
    }

    /// What the store did with `changes`.
    mutating func recorded(_ counts: (opened: Int, changed: Int, reopened: Int)) {
        (opened, changed, reopened) = counts
    }
}
