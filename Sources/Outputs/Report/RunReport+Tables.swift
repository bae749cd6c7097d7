extension RunReport {
    /// Every table of the report, in the order the page shows them.
    public var tables: [ReportTable] {
        [summaryTable, policyTable, streetTable, industryTable, changeTable, quarantineTable, warningTable, missingTable]
    }

    /// The 周期 that amounts are granted for, in a fixed order (月, 年, 一次性, then any other).
    func periods(subjects: Set<String>? = nil) -> [String] {
        let granting = policies.filter { $0.grantsMoney && subjects?.contains($0.subject) ?? true }
        let present = Set(granting.map { $0.period ?? Self.noPeriod })
        let fixed = ["月", "年", "一次性"].filter(present.contains)
        return fixed + present.subtracting(fixed).sorted()
    }

    /// The period key of amounts of a policy without 周期.
    public static let noPeriod = "期"
    static let subjects = ["居民", "家庭", "企业"]

    static func amountHeader(_ period: String) -> String {
        period == "一次性" ? "发放金额（元，一次性）" : "发放金额（元/\(period)）"
    }

    /// Totals over every policy, per period.
    var totalAmounts: PeriodAmounts {
        var out: PeriodAmounts = [:]
        for policy in policies where policy.grantsMoney { out[policy.period ?? Self.noPeriod, default: 0] += policy.eligibleFen }
        return out
    }

    var summaryTable: ReportTable {
        let h = header
        var rows: [[String]] = [
            ["运行编号", String(h.runID)], ["评估日", h.asOf], ["完成时间（UTC）", h.finishedAt], ["引擎", h.engine],
            ["评估的政策", "\(policies.count) 项（\(h.includeDrafts ? "含草稿" : "已发布")）"],
        ]
        for subject in Self.subjects { if let count = populations[subject] { rows.append(["评估的\(subject)", String(count)]) } }
        let benefits = policies.filter(\.grantsMoney)
        rows += [
            ["符合（项次，不含提醒）", String(benefits.reduce(0) { $0 + $1.eligible })],
            ["待人工复核（项次，不含提醒）", String(benefits.reduce(0) { $0 + $1.unknown })],
            ["互斥未享（项次）", String(benefits.reduce(0) { $0 + $1.excluded })],
            ["超出预算（项次）", String(benefits.reduce(0) { $0 + $1.overBudget })],
            ["提醒（项次）", String(policies.filter { !$0.grantsMoney }.reduce(0) { $0 + $1.eligible })],
        ]
        let totals = totalAmounts
        rows += periods().map { [Self.amountHeader($0), Money.yuan(totals[$0] ?? 0)] }
        rows += [["规则集 SHA-256", h.rulesSHA256], ["结果 SHA-256", h.resultsSHA256]]
        return ReportTable(id: "summary", title: "总览", headers: ["项目", "数值"], rows: rows)
    }

    var policyTable: ReportTable {
        let headers = [
            "编号", "名称", "对象", "方式", "评估", "符合", "待人工复核", "互斥未享", "超出预算", "不符合", "发放金额（元）", "周期", "年度预算（元）",
            "预算使用率",
        ]
        let rows = policies.map { p -> [String] in
            [
                p.id, p.title, p.subject, p.mode ?? "", String(p.evaluated), String(p.eligible), String(p.unknown), String(p.excluded),
                String(p.overBudget), String(p.ineligible), p.grantsMoney ? Money.yuan(p.eligibleFen) : "", p.grantsMoney ? p.period ?? "" : "",
                p.budgetFen.map(Money.yuan) ?? "", p.budgetUsed.map(Money.percent) ?? "",
            ]
        }
        return ReportTable(
            id: "policies", title: "各政策", headers: headers, rows: rows, numeric: Set(4...13).subtracting([11]),
            note: "人数与 results 导出的行数一致；发放金额为符合者每期金额之和；预算使用率 = 全年发放额 ÷ 年度预算（按月发放的乘 12）。"
        )
    }

    var streetTable: ReportTable {
        area(
            streets, id: "streets", title: "各街道、乡镇", first: ["街道、乡镇", "区划代码"], subjects: Self.subjects,
            note: "按户籍地（居民）、户主户籍地（家庭）、注册地（企业）归属；名称取自 Rules/schemas/divisions.yaml，不在名单中的二七区代码显示为未知街道。"
                + "符合、享受、待复核只计发放资金的政策（不含提醒）。"
        )
    }

    var industryTable: ReportTable {
        area(
            industries, id: "industries", title: "惠企政策：各行业（门类）", first: ["行业门类", "代码"], subjects: ["企业"],
            note: "对象为企业、发放资金的政策（不含提醒），按 GB/T 4754-2017 门类汇总。"
        )
    }

    private func area(
        _ areas: [AreaFigures], id: String, title: String, first: [String], subjects: [String], note: String
    ) -> ReportTable {
        let periods = periods(subjects: Set(subjects))
        let headers = first + subjects + ["符合（项次）", "享受对象", "待人工复核（项次）"] + periods.map(Self.amountHeader)
        let rows = areas.map { a in
            [a.name, a.code] + subjects.map { String(a.entities[$0] ?? 0) } + [String(a.eligible), String(a.beneficiaries), String(a.unknown)]
                + periods.map { Money.yuan(a.amounts[$0] ?? 0) }
        }
        return ReportTable(id: id, title: title, headers: headers, rows: rows, numeric: Set(2..<headers.count), note: note)
    }

    var changeTable: ReportTable {
        let headers = ["编号", "名称", "新增符合", "不再符合", "金额变化", "说明"]
        guard let comparison else {
            return ReportTable(id: "changes", title: "与上一次运行相比", headers: headers, rows: [], note: "这是数据库中的第一次运行，没有可对比的上一次运行。")
        }
        let rows = comparison.lines.map { line in
            let scope = !line.inPrevious ? "上一次运行未评估此政策" : !line.inCurrent ? "本次运行未评估此政策" : ""
            return [line.policyID, line.title, String(line.newlyEligible), String(line.noLongerEligible), String(line.amountChanged), scope]
        }
        return ReportTable(
            id: "changes", title: "与上一次运行相比", headers: headers, rows: rows, numeric: [2, 3, 4],
            note: "对照运行 \(comparison.previousRunID)（评估日 \(comparison.previousAsOf)）；“符合”指实际享受，对象按编号对应（同 mianshen diff）。"
        )
    }

    var quarantineTable: ReportTable {
        ReportTable(
            id: "quarantine", title: "数据质量：隔离区（按原因）", headers: ["数据集", "原因代码", "原因", "字段", "行数"],
            rows: quality.quarantine.map { [$0.dataset, $0.code, $0.label, $0.field, String($0.rows)] }, numeric: [4],
            note: qualityNote("各文件最近一次导入中被拒绝的行，明细用 mianshen quarantine list 查看。")
        )
    }

    var warningTable: ReportTable {
        ReportTable(
            id: "warnings", title: "数据质量：警告（人工维护的名单中没有的取值）", headers: ["数据集", "警告代码", "说明", "字段", "取值", "行数"],
            rows: quality.warnings.map { [$0.dataset, $0.code, $0.label, $0.field, $0.value, String($0.rows)] }, numeric: [5],
            note: qualityNote("这些行照常导入；请核对名单（如 Rules/schemas/divisions.yaml）。明细用 mianshen quarantine list --warnings 查看。")
        )
    }

    var missingTable: ReportTable {
        ReportTable(
            id: "missing_fields", title: "数据质量：造成待人工复核的缺失数据",
            headers: ["编号", "名称", "缺失的字段", "缺此字段的待复核（项次）", "该政策待复核（项次）", "占评估对象"],
            rows: quality.missing.map {
                [$0.policyID, $0.title, $0.field, String($0.unknownNeedingIt), String($0.unknownTotal), Money.percent($0.unknownNeedingIt, of: $0.evaluated)]
            },
            numeric: [3, 4, 5], note: "一个待复核的对象可能同时缺几个字段，各行分别计数。"
        )
    }

    private func qualityNote(_ text: String) -> String {
        quality.importedAfterRun ? text + "注意：该运行之后又有导入，这里是数据库现在的情况。" : text
    }
}
