public import Store

/// What `AuditLog.verify()` found.
public struct AuditVerification: Sendable {
    public var entries: Int
    public var head: AuditHead?
    public var problems: [AuditProblem]

    public var isIntact: Bool { problems.isEmpty }
}

/// One break in the chain, as a sentence for the operator.
public enum AuditProblem: Sendable, Equatable, CustomStringConvertible {
    /// Entries `from` up to (not including) `before` are gone.
    case missing(from: Int64, before: Int64)
    /// The entry does not carry the previous entry's hash (an entry before it was deleted,
    /// changed or moved).
    case broken(Int64)
    /// The entry's content no longer hashes to its hash (edited, or moved to another place).
    case edited(Int64)
    /// The head row names another last entry (entries at the end were deleted, or the head was edited).
    case headMismatch(headID: Int64, lastID: Int64?)
    case headMissing(lastID: Int64)

    public var description: String {
        switch self {
        case .missing(let from, let before):
            from == before - 1 ? "第 \(from) 条缺失（已被删除）" : "第 \(from)–\(before - 1) 条缺失（已被删除）"
        case .broken(let id):
            "第 \(id) 条记载的前一条哈希与前一条不符（前面的条目被删除、修改或调换了顺序）"
        case .edited(let id):
            "第 \(id) 条的内容与其哈希不符（该条被修改，或被移动到别的位置）"
        case .headMismatch(let headID, let lastID):
            "链首记录指向第 \(headID) 条，而日志最后一条是\(lastID.map { "第 \($0) 条" } ?? "（无）")（末尾的条目被删除，或链首被修改）"
        case .headMissing(let lastID):
            "链首记录缺失，日志最后一条是第 \(lastID) 条（链首被删除）"
        }
    }
}
