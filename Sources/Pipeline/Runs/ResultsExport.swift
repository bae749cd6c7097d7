public import Evaluation
internal import Crypto
internal import Datasets
internal import Foundation
internal import Outputs

/// The results contract: one row per (entity, policy in its subject's scope), sorted by
/// policy_id then entity_id; CSV `entity_id,policy_id,outcome,amount` (amount in 元 with two
/// decimals on eligible and over_budget rows, empty otherwise), UTF-8 without BOM, LF.
public enum ResultsExport {
    public static let header = "entity_id,policy_id,outcome,amount"

    public struct Row: Sendable {
        /// Index into `BatchResult.policies` and into the policy's population.
        public var policy: Int
        public var entity: Int
        public var entityID: String
        public var policyID: String
        public var outcome: BatchOutcome
        /// 元 with two decimals, or empty.
        public var amount: String
    }

    /// The rows, in contract order; without `all`, ineligible rows are left out.
    public static func rows(
        _ result: BatchResult, all: Bool, policies wanted: Set<String>? = nil, outcomes: Set<BatchOutcome>? = nil,
        _ body: (Row) throws -> Void
    ) rethrows {
        let order = result.policies.indices.sorted { result.policies[$0].policyID < result.policies[$1].policyID }
        for index in order {
            let batch = result.policies[index]
            if let wanted, !wanted.contains(batch.policyID) { continue }
            let ids = result.populations[batch.subject]?.ids ?? []
            for entity in ids.indices {
                let outcome = batch.outcomes[entity]
                if !all, outcome == .ineligible { continue }
                if let outcomes, !outcomes.contains(outcome) { continue }
                try body(Row(
                    policy: index, entity: entity, entityID: ids[entity], policyID: batch.policyID, outcome: outcome,
                    amount: amountText(outcome, batch.amountFen[entity])
                ))
            }
        }
    }

    static func amountText(_ outcome: BatchOutcome, _ fen: Int64) -> String {
        guard outcome == .eligible || outcome == .overBudget else { return "" }
        return yuan(fen)
    }

    /// 分 as 元 with two decimals: 89250 → 892.50.
    public static func yuan(_ fen: Int64) -> String {
        Money.yuan(fen)
    }

    /// One CSV line (ids, codes and amounts never need quoting), without the line end.
    public static func csvLine(_ row: Row) -> String {
        "\(row.entityID),\(row.policyID),\(row.outcome.code),\(row.amount)"
    }

    /// The CSV of `results` (header included) as bytes, in pieces of about a megabyte: what
    /// `results --format csv` writes and what the ledger hashes, so they cannot differ. Lines
    /// are built from bytes into one reused buffer (a run has millions of rows): per row no
    /// string, no array and no dictionary look-up.
    public static func csv(
        _ result: BatchResult, all: Bool, policies wanted: Set<String>? = nil, outcomes: Set<BatchOutcome>? = nil,
        _ write: (UnsafeRawBufferPointer) -> Void
    ) {
        csv(result, all: all, policies: wanted, outcomes: outcomes, ids: [:], write)
    }

    /// As above, with the populations' id bytes when the caller already has them.
    static func csv(
        _ result: BatchResult, all: Bool, policies wanted: Set<String>?, outcomes: Set<BatchOutcome>?,
        ids known: [String: IDBytes], exchange: ((UnsafeMutablePointer<UInt8>, Int) -> UnsafeMutablePointer<UInt8>)? = nil,
        _ write: (UnsafeRawBufferPointer) -> Void
    ) {
        var included: UInt32 = 0
        for outcome in BatchOutcome.allCases
        where (all || outcome != .ineligible) && (outcomes?.contains(outcome) ?? true) {
            included |= 1 << UInt32(outcome.rawValue)
        }
        let withAmount: UInt32 = 1 << UInt32(BatchOutcome.eligible.rawValue) | 1 << UInt32(BatchOutcome.overBudget.rawValue)
        let maxRaw = BatchOutcome.allCases.map { Int($0.rawValue) }.max() ?? 0
        withoutActuallyEscaping(write) { write in
            let out = LineBuffer(write, exchange: exchange)
            out.append(Array((header + "\n").utf8))
            var idBytes = known
            let order = result.policies.indices.sorted { result.policies[$0].policyID < result.policies[$1].policyID }
            for index in order {
                let batch = result.policies[index]
                if let wanted, !wanted.contains(batch.policyID) { continue }
                let ids = idBytes[batch.subject] ?? result.populations[batch.subject]?.bytes ?? IDBytes([])
                idBytes[batch.subject] = ids
                // What follows the id, per outcome: ",POLICY,code," and, where no amount
                // follows, the line end; one copy per row (the rows of a run number millions).
                var tails: [UInt8] = [], tailStart = [0]
                for raw in 0...maxRaw {
                    if let outcome = BatchOutcome(rawValue: UInt8(raw)) {
                        tails += Array(",\(batch.policyID),\(outcome.code),".utf8)
                        if withAmount & 1 << UInt32(raw) == 0 { tails.append(0x0A) }
                    }
                    tailStart.append(tails.count)
                }
                ids.withUnsafeBuffers { idBuffer, offsets in
                    batch.outcomes.withUnsafeBufferPointer { outcomes in
                        batch.amountFen.withUnsafeBufferPointer { fen in
                            tails.withUnsafeBufferPointer { tails in
                                guard let idBase = idBuffer.baseAddress, let tailBase = tails.baseAddress else { return }
                                for entity in 0..<min(outcomes.count, offsets.count - 1) {
                                    let raw = Int(outcomes[entity].rawValue)
                                    guard included & 1 << UInt32(raw) != 0 else { continue }
                                    let start = offsets[entity]
                                    out.append(
                                        idBase + start, count: offsets[entity + 1] - 1 - start,
                                        then: tailBase + tailStart[raw], count: tailStart[raw + 1] - tailStart[raw]
                                    )
                                    if withAmount & 1 << UInt32(raw) != 0 {
                                        out.appendYuan(fen[entity])
                                        out.append(0x0A)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            out.flush()
        }
    }

    /// The SHA-256 of `results --all --format csv`: the header and every row, each ending in LF.
    public static func sha256(_ result: BatchResult) -> String {
        sha256(result, ids: [:])
    }

    static func sha256(_ result: BatchResult, ids: [String: IDBytes]) -> String {
        let pipe = HashPipe()
        csv(result, all: true, policies: nil, outcomes: nil, ids: ids, exchange: pipe.exchange) { pipe.push($0) }
        return Hex.lowercase(pipe.finish())
    }

}
