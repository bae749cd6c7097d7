internal import Datasets
internal import RuleLanguage

/// The built-ins with operations of their own: 已填/未填, 持有有效证照, and lookup tables.
extension ReferenceEvaluator {
    /// 已填: the value is known. Read outside 任一/所有/计数, a related field is filled when every
    /// record has it (and there is at least one record).
    static func isPresent(_ value: Value) -> Bool {
        switch value {
        case .unknown: false
        case .list(let values): !values.isEmpty && values.allSatisfy { $0 != .unknown }
        default: true
        }
    }

    /// 持有有效证照: 是 when some licence of this type is certainly valid on `asOf` (发证日期 ≤ 评估日 ≤
    /// 有效期至); else 未知 when one might be (a date or the type unknown); else 否. The store gives
    /// only active licences, so revoked or cancelled ones (注销/吊销) are never seen here.
    static func holdsValidLicence(_ type: String, _ licences: [[String: FieldValue]], asOf: Day) -> Value {
        var undecided = false
        for licence in licences {
            let checks: [Bool?] = [
                text(licence["license_type"]).map { $0 == type },
                date(licence["issue_date"]).map { $0 <= asOf },
                date(licence["expiry_date"]).map { asOf <= $0 },
            ]
            if checks.contains(false) { continue }
            if checks.contains(nil) {
                undecided = true
            } else {
                return .bool(true)
            }
        }
        return undecided ? .unknown : .bool(false)
    }

    /// The row a lookup key selects: the row listing it, or for codes the row whose key is the
    /// longest prefix of it (F52 before F); nil when no row matches.
    static func lookupRow(_ key: String, _ rows: [LookupRow], prefix: Bool) -> LookupRow? {
        guard prefix else { return rows.first { $0.keys.contains(key) } }
        var best: (row: LookupRow, length: Int)?
        for row in rows {
            for listed in row.keys where key.hasPrefix(listed) && listed.count > (best?.length ?? -1) {
                best = (row, listed.count)
            }
        }
        return best?.row
    }

    private static func text(_ value: FieldValue?) -> String? {
        if case .text(let text)? = value { return text }
        return nil
    }

    private static func date(_ value: FieldValue?) -> Day? {
        if case .date(let day)? = value { return day }
        return nil
    }
}
