internal import Datasets

/// Lowering of the built-ins 已填/未填, 最大/最小 of several values, 持有有效证照 and 本项金额,
/// and of lookup tables, each to one operation of the program.
extension Lowering {
    /// The fields of a licence that `持有有效证照` reads, for explanations.
    public static let licenceReads = ["证照.license_type", "证照.issue_date", "证照.expiry_date"]

    /// A built-in call with an operation of its own, or nil for the other functions.
    mutating func lowerBuiltin(_ function: String, _ arguments: [Expr], _ scope: Scope) -> NodeID? {
        switch function {
        case "已填", "未填":
            guard let field = arguments.first else { return nil }
            return intern(.present(lower(field, scope), filled: function == "已填"))
        case "最大" where arguments.count > 1, "最小" where arguments.count > 1:
            return intern(.extreme(largest: function == "最大", arguments.map { lower($0, scope) }))
        case "持有有效证照":
            guard let type = arguments.first.flatMap(Checker.licenceTypeText) else { return nil }
            return intern(.validLicence(type), reads: Self.licenceReads)
        default:
            return nil
        }
    }

    /// `本项金额`: the policy's own amount; it reads what the amount reads.
    mutating func ownAmount(_ scope: Scope) -> NodeID {
        var reads: Set<String> = []
        if let amount = scope.amount {
            for root in lowerAmount(amount, scope).nodes { reads.formUnion(self[root].reads) }
        }
        return intern(.ownAmount(policy: scope.policy ?? ""), reads: reads.sorted())
    }

    /// `按 键 取值 … 结束`: codes (行业代码) match by prefix, other keys exactly.
    mutating func lowerLookup(_ key: Expr, _ entries: [LookupEntry], _ otherwise: Expr?, _ scope: Scope) -> NodeID {
        let keyNode = lower(key, scope)
        let rows = entries.map { entry in
            LookupRow(keys: entry.keys.map(\.text), value: lower(entry.value, scope))
        }
        let fallback = otherwise.map { lower($0, scope) }
        return intern(.lookup(keyNode, rows, otherwise: fallback, prefix: isIndustry(key, scope)))
    }
}
