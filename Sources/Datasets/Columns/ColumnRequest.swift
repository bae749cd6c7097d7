/// What a columnar evaluation needs loaded: the subjects it evaluates (居民, 家庭, 企业) and, per
/// kind of record, the fields it reads (canonical names; fields a schema does not have are
/// skipped).
public struct ColumnRequest: Sendable, Equatable {
    public var subjects: Set<String>
    public var fields: [DatasetKind: Set<String>]

    public init(subjects: Set<String>, fields: [DatasetKind: Set<String>]) {
        self.subjects = subjects
        self.fields = fields
    }
}
