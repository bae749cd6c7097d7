extension FieldValue {
    /// The value as a person reads it and as CSV exports carry it (是/否, 12.50, 2024-01-31).
    public func display(for field: FieldSpec) -> String {
        switch self {
        case .null: ""
        case .text(let s): s
        case .integer(let i): String(i)
        case .decimal(let units): ScaledDecimal(units: units, scale: field.type.scale ?? 0).description
        case .date(let day): day.description
        case .bool(let b): b ? "是" : "否"
        }
    }
}

extension FieldValue {
    /// Like `display(for:)`, but a stated empty value reads as its label (0 → 无残疾) and an
    /// unknown value as an empty string.
    public func describe(for field: FieldSpec) -> String {
        if case .value(let stated, let label, _) = field.empty, stated == self { return label }
        return display(for: field)
    }
}
