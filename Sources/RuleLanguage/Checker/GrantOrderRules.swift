internal import Datasets
internal import Diagnostics

/// `发放顺序 按 字段 升序|降序`: the field must be one of the subject's own fields that can be
/// ordered (a date or a number); the direction is 升序 or 降序.
extension Checker {
    mutating func checkGrantOrder(field: Name, direction: Name, _ scope: Scope) {
        checkAllowed(.grantOrder, direction, scope.source)
        let location = scope.source.location(of: field.range.lowerBound)
        guard case .field(_, let spec)? = names.resolve(field.text, subject: scope.subject, local: [:]) else {
            let fields = NameTable.kinds(scope.subject).flatMap { names.schemas[$0].fields.map(\.label) }
            report(CheckerMessage.unknownName(
                field.text, at: location, length: field.text.count, closest: Suggest.closest(to: field.text, among: fields)
            ))
            return
        }
        guard Self.orderable(spec.type) else {
            report(CheckerMessage.unorderedGrantField(field.text, at: location, length: field.text.count))
            return
        }
    }

    /// Dates and numbers can be ordered; text, codes and yes/no cannot.
    static func orderable(_ type: FieldType) -> Bool {
        switch type {
        case .date, .integer, .decimal: true
        default: false
        }
    }
}
