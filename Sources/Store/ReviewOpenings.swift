/// The review items a run opens for one policy, as the store keeps them (one `ReviewSegment`):
/// entity ids ascending, each item's inputs hash as 32 bytes and its missing fields as the code
/// of a distinct list. A first run at 1 M residents opens 142 k items in a handful of patterns:
/// built this way, no hex, joined string or record is made per item.
public struct ReviewOpenings: Sendable {
    public let policyID: String
    public let subject: String
    public let needsAmount: Bool
    public private(set) var entityIDs: [String] = []
    /// 32 bytes per item.
    public private(set) var digests: [UInt8] = []
    /// Per item, its position in `missingLists`.
    public private(set) var missing: [Int64] = []
    /// The distinct missing-field lists, each joined by "\n".
    public private(set) var missingLists: [String] = []

    public init(policyID: String, subject: String, needsAmount: Bool) {
        self.policyID = policyID
        self.subject = subject
        self.needsAmount = needsAmount
    }

    public var count: Int { entityIDs.count }

    public mutating func reserve(_ count: Int) {
        entityIDs.reserveCapacity(count)
        digests.reserveCapacity(32 * count)
        missing.reserveCapacity(count)
    }

    /// The code of a missing-field list, added if new (callers look each pattern up once).
    public mutating func code(missing fields: [String]) -> Int64 {
        let joined = fields.joined(separator: "\n")
        if let known = missingLists.firstIndex(of: joined) { return Int64(known) }
        missingLists.append(joined)
        return Int64(missingLists.count - 1)
    }

    /// Appends an item; false (nothing appended) when `entityID` is not above the last one or
    /// `digest` is not 32 bytes or `missing` is not a code of this list.
    @discardableResult
    public mutating func append<Digest: Collection<UInt8>>(entityID: String, digest: Digest, missing code: Int64) -> Bool {
        guard entityIDs.last.map({ $0 < entityID }) ?? true, digest.count == 32, code >= 0, code < missingLists.count else { return false }
        entityIDs.append(entityID)
        digests.append(contentsOf: digest)
        missing.append(code)
        return true
    }

    /// The items whose entity is not in `skip` (a run beside this one opened them meanwhile).
    func without(_ skip: (String) -> Bool) -> ReviewOpenings {
        var out = ReviewOpenings(policyID: policyID, subject: subject, needsAmount: needsAmount)
        out.missingLists = missingLists
        for index in entityIDs.indices where !skip(entityIDs[index]) {
            out.entityIDs.append(entityIDs[index])
            out.digests.append(contentsOf: digests[32 * index ..< 32 * index + 32])
            out.missing.append(missing[index])
        }
        return out
    }
}
