public import Evaluation
internal import Crypto
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
    /// `results --format csv` writes and what the ledger hashes, so they cannot differ. Builds
    /// each line from bytes (no string per row: a run has millions of rows).
    public static func csv(
        _ result: BatchResult, all: Bool, policies wanted: Set<String>? = nil, outcomes: Set<BatchOutcome>? = nil,
        _ write: ([UInt8]) -> Void
    ) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 256)
        buffer.append(contentsOf: Array((header + "\n").utf8))
        let codes = BatchOutcome.allCases.reduce(into: [UInt8: [UInt8]]()) { $0[$1.rawValue] = Array(("," + $1.code + ",").utf8) }
        var idBytes: [String: [[UInt8]]] = [:]
        let order = result.policies.indices.sorted { result.policies[$0].policyID < result.policies[$1].policyID }
        for index in order {
            let batch = result.policies[index]
            if let wanted, !wanted.contains(batch.policyID) { continue }
            if idBytes[batch.subject] == nil { idBytes[batch.subject] = (result.populations[batch.subject]?.ids ?? []).map { Array($0.utf8) } }
            let ids = idBytes[batch.subject] ?? []
            let policy = Array(("," + batch.policyID).utf8)
            for entity in ids.indices {
                let outcome = batch.outcomes[entity]
                if !all, outcome == .ineligible { continue }
                if let outcomes, !outcomes.contains(outcome) { continue }
                buffer.append(contentsOf: ids[entity])
                buffer.append(contentsOf: policy)
                buffer.append(contentsOf: codes[outcome.rawValue] ?? [])
                if outcome == .eligible || outcome == .overBudget { appendYuan(batch.amountFen[entity], to: &buffer) }
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        if !buffer.isEmpty { write(buffer) }
    }

    /// 分 as 元 with two decimals, as `yuan(_:)` writes it.
    static func appendYuan(_ fen: Int64, to buffer: inout [UInt8]) {
        if fen < 0 { buffer.append(UInt8(ascii: "-")) }
        let magnitude = fen.magnitude
        var digits: [UInt8] = []
        var whole = magnitude / 100
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(whole % 10))
            whole /= 10
        } while whole > 0
        buffer.append(contentsOf: digits.reversed())
        buffer.append(UInt8(ascii: "."))
        buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 100 / 10))
        buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
    }

    /// The SHA-256 of `results --all --format csv`: the header and every row, each ending in LF.
    public static func sha256(_ result: BatchResult) -> String {
        var hasher = SHA256()
        csv(result, all: true) { hasher.update(data: $0) }
        return hex(hasher.finalize())
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
