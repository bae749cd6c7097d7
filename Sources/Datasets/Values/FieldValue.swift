/// One typed cell of a validated row.
///
/// `.null` is *unknown*: the source said nothing, and rules must treat it as unknown, never
/// as 否 or 0. A stated default for an empty cell (残疾等级 empty = 无残疾) is a real value.
public enum FieldValue: Hashable, Sendable {
    case null
    case text(String)
    case integer(Int64)
    /// Exact decimal in units of 10^-scale, the scale being the field's.
    case decimal(Int64)
    case date(Day)
    case bool(Bool)

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
