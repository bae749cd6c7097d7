internal import Plot

/// The analyst's report as one self-contained HTML page in Chinese: inline CSS, SVG charts drawn
/// by our code, no script and no external resource. Every text from data goes through Plot's
/// text nodes, so it is escaped by construction.
public enum ReportHTML {
    public static func render(_ report: RunReport) -> String {
        let tables = Dictionary(report.tables.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func section(_ id: String, _ before: [Node<HTML.BodyContext>] = []) -> Node<HTML.BodyContext> {
            guard let table = tables[id] else { return .empty }
            return ReportHTML.section(table, before: before)
        }
        let html = HTML(
            .attribute(named: "lang", value: "zh-CN"),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", text: report.title),
                .style(ReportStyle.css)
            ),
            .body(
                .h1(.text(report.title)),
                .p(.attribute(named: "class", value: "meta"), .text(meta(report))),
                section("summary"),
                section("policies", [policyChart(report).node()]),
                budgetSection(report),
                section("streets", [streetChart(report).node()]),
                section("industries"),
                section("changes"),
                section("quarantine"),
                section("warnings"),
                section("missing_fields"),
                .footer(.p(.text(
                    "由 mianshen 生成（输出格式 \(OutputsFormat.version)）。本页自包含：样式和图表都在文件中，不引用任何外部资源；"
                        + "只含汇总数字，不含个人信息。同一次运行生成的报告逐字节相同。"
                )))
            )
        )
        return html.render(indentedBy: .spaces(1)) + "\n"
    }

    static func meta(_ report: RunReport) -> String {
        let h = report.header
        return "运行编号 \(h.runID) · 评估日 \(h.asOf) · 完成于 \(h.finishedAt) · 引擎 \(h.engine) · 结果 SHA-256 \(h.resultsSHA256.prefix(16))…"
    }

    /// A heading, its note, what goes before the table (a chart), and the table.
    static func section(_ table: ReportTable, before: [Node<HTML.BodyContext>] = []) -> Node<HTML.BodyContext> {
        .section(
            .h2(.text(table.title)),
            .if(table.note != nil, .p(.attribute(named: "class", value: "note"), .text(table.note ?? ""))),
            .group(before),
            tableNode(table)
        )
    }

    static func tableNode(_ table: ReportTable) -> Node<HTML.BodyContext> {
        func cellClass(_ column: Int) -> Node<HTML.BodyContext> {
            table.numeric.contains(column) ? .attribute(named: "class", value: "num") : .empty
        }
        let body: [Node<HTML.TableContext>] = table.rows.isEmpty
            ? [.tr(.td(.attribute(named: "colspan", value: String(table.headers.count)), .attribute(named: "class", value: "empty"), .text("（无）")))]
            : table.rows.map { row in
                .tr(.group(row.enumerated().map { column, cell in .td(cellClass(column), .text(cell)) }))
            }
        return .table(
            .attribute(named: "id", value: table.id),
            .thead(.tr(.group(table.headers.enumerated().map { column, header in .th(cellClass(column), .text(header)) }))),
            .tbody(.group(body))
        )
    }

    static func policyChart(_ report: RunReport) -> SVGBarChart {
        SVGBarChart(
            caption: "各政策的符合、互斥未享、超出预算、待人工复核人数",
            series: [
                .init(label: "符合", color: ReportStyle.eligible), .init(label: "互斥未享", color: ReportStyle.excluded),
                .init(label: "超出预算", color: ReportStyle.overBudget), .init(label: "待人工复核", color: ReportStyle.unknown),
            ],
            bars: report.policies.map { p in
                .init(label: "\(p.id) \(p.title)", values: [p.eligible, p.excluded, p.overBudget, p.unknown], note: "符合 \(p.eligible)")
            }
        )
    }

    static func streetChart(_ report: RunReport) -> SVGBarChart {
        SVGBarChart(
            caption: "各街道、乡镇的符合项次与待人工复核项次",
            series: [.init(label: "符合（项次）", color: ReportStyle.eligible), .init(label: "待人工复核", color: ReportStyle.unknown)],
            bars: report.streets.map { .init(label: $0.name, values: [$0.eligible, $0.unknown], note: String($0.eligible)) }
        )
    }

    static func budgetSection(_ report: RunReport) -> Node<HTML.BodyContext> {
        let budgeted = report.policies.filter { $0.budgetFen != nil }
        let gauges = budgeted.map { p in
            SVGGauge(
                label: "\(p.id) \(p.title)", share: p.budgetUsed ?? 0, spent: p.overBudget > 0,
                detail: "全年 \(wan(p.yearlyFen)) 万元 / 预算 \(wan(p.budgetFen ?? 0)) 万元" + (p.overBudget > 0 ? "，超出 \(p.overBudget)" : "")
            ).node()
        }
        return .section(
            .h2(.text("预算使用")),
            .p(.attribute(named: "class", value: "note"), .text(
                budgeted.isEmpty ? "本次运行的政策都没有设年度预算。" : "全年发放额占年度预算的比例（按月发放的乘 12）；红色表示预算已用完，有符合条件的对象超出预算。"
            )),
            .div(.attribute(named: "class", value: "gauges"), .group(gauges))
        )
    }

    /// 分 as 万元 with at most two decimals.
    static func wan(_ fen: Int64) -> String {
        SVG.number(Double(fen) / 1_000_000)
    }
}
