public import Datasets

extension BatchDecisions {
    /// The sort key of a 发放顺序 field's value: a date as its day number, an integer as itself, a
    /// decimal as its scaled units (one field has one scale); nil when missing. The engine and the
    /// oracle both use it, so they grant in the same order.
    public static func orderKey(_ value: FieldValue?) -> Int64? {
        switch value {
        case .date(let day)?: Int64(day.daysSinceEpoch)
        case .integer(let i)?, .decimal(let i)?: i
        default: nil
        }
    }
}
