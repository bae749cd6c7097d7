internal import Crypto
internal import Datasets
internal import Foundation
public import Store

/// The audit log (全程留痕): every use of personal data — profile, explain, any --unmask,
/// exports, imports — is an entry with time, operator, command, scope and purpose, chained
/// by hash so that an edited, deleted or reordered entry is found by `verify()`.
public struct AuditLog: Sendable {
    public let store: ProfileStore

    public init(store: ProfileStore) {
        self.store = store
    }

    /// Appends an entry. Record before or right after the data is shown; an error here is an
    /// error of the command (a use that cannot be recorded is not done silently).
    @discardableResult
    public func record(
        operator operatorName: String, command: String, scope: AuditScope, purpose: String?, unmasked: Bool = false
    ) throws -> AuditRecord {
        try store.appendAudit(
            operatorName: operatorName, command: command, scope: scope.summary, entity: scope.entity,
            purpose: purpose.flatMap { $0.isEmpty ? nil : $0 }, unmasked: unmasked, seal: Self.hash
        )
    }

    /// Entries in order, optionally from a day or time on (UTC, 2026-11-30) and by one operator.
    public func entries(since: String? = nil, operator operatorName: String? = nil) throws -> [AuditRecord] {
        try store.auditRecords(since: since, operatorName: operatorName)
    }

    /// Walks the whole chain. Each entry must have the next id, carry the previous entry's
    /// hash and hash to its own; the head row must name the last entry.
    public func verify() throws -> AuditVerification {
        let entries = try store.auditRecords()
        let head = try store.auditHead()
        var problems: [AuditProblem] = []
        var previous = AuditRecord.genesisHash
        var expectedID: Int64 = 1
        for entry in entries {
            if entry.id != expectedID {
                problems.append(.missing(from: expectedID, before: entry.id))
            }
            if entry.previousHash != previous {
                problems.append(.broken(entry.id))
            }
            if Self.hash(entry) != entry.hash {
                problems.append(.edited(entry.id))
            }
            previous = entry.hash
            expectedID = entry.id + 1
        }
        let last = entries.last
        if let head {
            if last?.id != head.lastID || last?.hash != head.lastHash {
                problems.append(.headMismatch(headID: head.lastID, lastID: last?.id))
            }
        } else if let last {
            problems.append(.headMissing(lastID: last.id))
        }
        return AuditVerification(entries: entries.count, head: head, problems: problems)
    }

    /// SHA-256 (hex) of the entry's fields and the previous hash, each length-prefixed so no
    /// two different entries encode alike; absent values differ from empty ones.
    @Sendable static func hash(_ entry: AuditRecord) -> String {
        func field(_ text: String?) -> String {
            guard let text else { return "-;" }
            return "\(text.utf8.count):\(text);"
        }
        let canonical = [
            String(entry.id), entry.at, entry.operatorName, entry.command, entry.scope, entry.entity, entry.purpose,
            entry.unmasked ? "1" : "0", entry.previousHash,
        ].map(field).joined()
        return Hex.lowercase(SHA256.hash(data: Data(canonical.utf8)))
    }
}

/// Which entities a use concerned, or how many.
public struct AuditScope: Sendable {
    public var summary: String
    public var entity: String?

    public init(_ summary: String, entity: String? = nil) {
        self.summary = summary
        self.entity = entity
    }
}
