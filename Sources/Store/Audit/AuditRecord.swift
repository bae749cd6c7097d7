/// One entry of the audit log (全程留痕) as the store keeps it. The store only keeps the chain;
/// how `hash` is computed from the other fields and `previousHash` is the Pipeline's rule.
public struct AuditRecord: Sendable, Equatable {
    /// The entry's place in the chain: 1, 2, 3 … with no gaps.
    public var id: Int64
    /// UTC, ISO 8601.
    public var at: String
    public var operatorName: String
    /// The command that used the data, e.g. `profile`, `results`, `applications generate`.
    public var command: String
    /// Which entities or how many, in words (运行 3 的结果 1234 行).
    public var scope: String
    /// The one entity concerned, when there is one (身份证号, 统一社会信用代码 or 户号); kept in full.
    public var entity: String?
    /// Why the data was used (`--purpose`); required with `--unmask`.
    public var purpose: String?
    /// Whether personal data was shown unmasked.
    public var unmasked: Bool
    /// The previous entry's hash; 64 zeros for the first entry.
    public var previousHash: String
    public var hash: String

    public init(
        id: Int64, at: String, operatorName: String, command: String, scope: String, entity: String?, purpose: String?,
        unmasked: Bool, previousHash: String, hash: String
    ) {
        self.id = id
        self.at = at
        self.operatorName = operatorName
        self.command = command
        self.scope = scope
        self.entity = entity
        self.purpose = purpose
        self.unmasked = unmasked
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash before the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)
}

/// The newest entry as the chain's head row records it, kept apart so that deleting the last
/// entries is detected too.
public struct AuditHead: Sendable, Equatable {
    public var lastID: Int64
    public var lastHash: String
}
